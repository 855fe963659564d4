import { useId } from "react";
import { ROLE_TEXT, type VaultRole } from "../../auth/me.ts";
import { Combobox } from "../../components/Combobox.tsx";

const ROLES = Object.keys(ROLE_TEXT) as VaultRole[];

/** A vault and a role in it, as two labelled selects in a fieldset. */
export function RoleFields({ legend, vaults, value, onChange }: { legend: string; vaults: { id: string; name: string }[]; value: { vaultId: string; role: VaultRole | "" }; onChange(v: { vaultId: string; role: VaultRole | "" }): void }) {
  const id = useId();
  return (
    <fieldset className="role-fields">
      <legend>{legend}</legend>
      <label htmlFor={`${id}-vault`}>Vault</label>
      <Combobox id={`${id}-vault`} placeholder="Choose a vault" value={value.vaultId} onChange={(vaultId) => onChange({ ...value, vaultId })} options={vaults.map((v) => ({ value: v.id, label: v.name }))} />
      <label htmlFor={`${id}-role`}>Role</label>
      <select id={`${id}-role`} value={value.role} onChange={(e) => onChange({ ...value, role: e.target.value as VaultRole | "" })}>
        <option value="">Choose a role</option>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {ROLE_TEXT[r]}
          </option>
        ))}
      </select>
    </fieldset>
  );
}
