import { Button } from "@carbon/react";
import { useState } from "react";
import { gql } from "../../api/client.ts";
import { CREATE_VAULT, VAULTS } from "../../api/documents.ts";
import type { Page, TypedError, Vault } from "../../api/types.ts";
import { useQuery } from "../../api/use-query.ts";
import { Alert, Loading } from "../../components/Feedback.tsx";
import { TextField } from "../../components/TextField.tsx";
import { issuesToErrors } from "../../forms/issues.ts";
import type { StepProps } from "./Wizard.tsx";

/** Step 1: the vault the keystore will belong to, chosen or created here. */
export function VaultStep({ state, update, registerCheck }: StepProps) {
  const vaults = useQuery<{ vaults: Page<Vault> }>(VAULTS);
  const [error, setError] = useState<string>();
  const [newName, setNewName] = useState("");
  const [newError, setNewError] = useState<string>();
  const [creating, setCreating] = useState(false);

  registerCheck(() => {
    if (state.vault) return true;
    setError("Choose a vault, or create one");
    return false;
  });

  const create = async () => {
    const name = newName.trim();
    if (!name) return setNewError("Enter a name for the new vault");
    setCreating(true);
    try {
      const r = await gql<{ createVault: TypedError & { vault?: Vault } }>(CREATE_VAULT, { input: { name } });
      if (r.createVault.vault) {
        update({ vault: r.createVault.vault, serverErrors: {} });
        setNewName("");
        setNewError(undefined);
        setError(undefined);
        await vaults.reload();
      } else {
        const errors = issuesToErrors(r.createVault.issues ?? []);
        setNewError(errors.name ?? r.createVault.message);
      }
    } catch (e) {
      setNewError((e as Error).message);
    } finally {
      setCreating(false);
    }
  };

  const list = vaults.data?.vaults.nodes ?? [];
  const vaultError = error ?? state.serverErrors.vaultId;
  return (
    <>
      <p>A vault decides who may use the keystore and the keys in it. Every keystore belongs to exactly one vault.</p>
      <Alert>{vaults.error}</Alert>
      {!vaults.data && vaults.loading && <Loading what="vaults" />}
      {vaults.data && (
        <fieldset className={`field${vaultError ? " field-invalid" : ""}`} data-field="vault" aria-describedby={vaultError ? "vault-error" : undefined}>
          <legend className="required-label">Vault</legend>
          {list.length === 0 && <p className="help">There is no vault yet: create the first one below.</p>}
          <div className="choices">
            {list.map((v) => (
              <label key={v.id} className="choice">
                <input
                  type="radio"
                  name="vault"
                  value={v.id}
                  checked={state.vault?.id === v.id}
                  onChange={() => {
                    update({ vault: v, serverErrors: {} });
                    setError(undefined);
                  }}
                />
                {v.name}
              </label>
            ))}
          </div>
          {vaultError && (
            <p className="error" id="vault-error" role="alert">
              {vaultError}
            </p>
          )}
        </fieldset>
      )}
      <div className="inline-create">
        <TextField label="New vault name" name="newVault" value={newName} onValue={setNewName} error={newError} help="1 to 100 characters: letters, digits, spaces and #@!$%'_-" />
        <Button kind="tertiary" size="md" onClick={() => void create()} disabled={creating}>
          {creating ? "Creating…" : "Create vault"}
        </Button>
      </div>
    </>
  );
}
