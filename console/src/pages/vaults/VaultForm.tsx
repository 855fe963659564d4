import { Button, Form } from "@carbon/react";
import { useState, type FormEvent } from "react";
import { gql } from "../../api/client.ts";
import { CREATE_VAULT_FULL, UPDATE_VAULT } from "../../api/documents.ts";
import type { TypedError, VaultDetail } from "../../api/types.ts";
import { Alert } from "../../components/Feedback.tsx";
import { TextField } from "../../components/TextField.tsx";
import { errorToFields, FORM } from "../../forms/issues.ts";
import type { FieldErrors } from "../../forms/validate.ts";

type Outcome = TypedError & { vault?: VaultDetail };

/**
 * Creates a vault, or renames (and re-describes) one: `vault` given means edit, sent with the
 * version read so a concurrent change is refused rather than overwritten. The API's validation
 * issues are shown at their fields (["input", "name"] at Name).
 */
export function VaultForm({ vault, onDone, onCancel }: { vault?: VaultDetail; onDone(vault: VaultDetail): void; onCancel(): void }) {
  const [name, setName] = useState(vault?.name ?? "");
  const [description, setDescription] = useState(vault?.description ?? "");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const outcome = vault
        ? (await gql<{ updateVault: Outcome }>(UPDATE_VAULT, { input: { id: vault.id, expectedVersion: vault.version, name, description } })).updateVault
        : (await gql<{ createVault: Outcome }>(CREATE_VAULT_FULL, { input: { name, description } })).createVault;
      if (outcome.vault) return onDone(outcome.vault);
      setErrors(outcome.__typename === "VersionConflictError" ? { [FORM]: `${outcome.message} Reload the page to see the current vault.` } : errorToFields(outcome));
    } catch (e) {
      setErrors({ [FORM]: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form className="panel" aria-label={vault ? "Rename vault" : "Create vault"} onSubmit={(e) => void submit(e)} noValidate>
      <h2>{vault ? "Rename vault" : "Create vault"}</h2>
      <Alert>{errors[FORM]}</Alert>
      <TextField label="Name" name="name" value={name} onValue={setName} error={errors.name} required help="1 to 100 characters: letters, digits, spaces and #@!$%'_-." />
      <TextField label="Description" name="description" value={description} onValue={setDescription} error={errors.description} help="Optional, up to 200 characters." />
      <div className="actions">
        <Button type="submit" kind="primary" disabled={busy}>
          {busy ? "Saving…" : vault ? "Save" : "Create vault"}
        </Button>
        <Button kind="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </Form>
  );
}
