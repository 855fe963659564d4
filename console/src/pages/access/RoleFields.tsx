import { Select, SelectItem } from "@carbon/react";
import { useId } from "react";
import { ROLE_TEXT, type VaultRole } from "../../auth/me.ts";
import { Combobox } from "../../components/Combobox.tsx";

const ROLES = Object.keys(ROLE_TEXT) as VaultRole[];

/** A vault and a role in it in a fieldset: the vault a combobox (vaults can be many), the role a Carbon Select (a fixed short list). */
export function RoleFields({ legend, vaults, value, onChange }: { legend: string; vaults: { id: string; name: string }[]; value: { vaultId: string; role: VaultRole | "" }; onChange(v: { vaultId: string; role: VaultRole | "" }): void }) {
  const id = useId();
  return (
    <fieldset className="role-fields">
      <legend>{legend}</legend>
      <label htmlFor={`${id}-vault`}>Vault</label>
      <Combobox id={`${id}-vault`} placeholder="Choose a vault" value={value.vaultId} onChange={(vaultId) => onChange({ ...value, vaultId })} options={vaults.map((v) => ({ value: v.id, label: v.name }))} />
      <Select id={`${id}-role`} labelText="Role" value={value.role} onChange={(e) => onChange({ ...value, role: e.target.value as VaultRole | "" })}>
        <SelectItem value="" text="Choose a role" />
        {ROLES.map((r) => (
          <SelectItem key={r} value={r} text={ROLE_TEXT[r]} />
        ))}
      </Select>
    </fieldset>
  );
}
