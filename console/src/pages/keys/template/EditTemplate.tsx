import { useState, type FormEvent } from "react";
import { gql } from "../../../api/client.ts";
import { UPDATE_KEY_TEMPLATE } from "../../../api/documents.ts";
import type { KeyTemplateDetail, TypedError } from "../../../api/types.ts";
import { Alert } from "../../../components/Feedback.tsx";
import { TextField } from "../../../components/TextField.tsx";
import { errorToFields, FORM } from "../../../forms/issues.ts";
import type { FieldErrors } from "../../../forms/validate.ts";

/**
 * Edits what may change after creation here: the keystore group and the description (algorithm,
 * type and naming scheme are fixed). A new group makes existing keys unaligned, so it says so.
 */
export function EditTemplate({ template, onSaved, onCancel }: { template: KeyTemplateDetail; onSaved(t: KeyTemplateDetail): void; onCancel(): void }) {
  const [group, setGroup] = useState(template.target.keystoreGroup);
  const [description, setDescription] = useState(template.description);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    const input = { id: template.id, expectedVersion: template.version, description, ...(group !== template.target.keystoreGroup ? { target: { keystoreGroup: group } } : {}) };
    try {
      const outcome = (await gql<{ updateKeyTemplate: TypedError & { keyTemplate?: KeyTemplateDetail } }>(UPDATE_KEY_TEMPLATE, { input })).updateKeyTemplate;
      if (outcome.keyTemplate) return onSaved(outcome.keyTemplate);
      // Issues about the target's group arrive as ["input", "target", "keystoreGroup"]: show them at the group field.
      const fields = errorToFields(outcome);
      if (fields.target) fields.keystoreGroup = fields.target;
      setErrors(fields);
    } catch (e) {
      setErrors({ [FORM]: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel" aria-label="Edit template" onSubmit={(e) => void submit(e)} noValidate>
      <h2>Edit template</h2>
      <Alert>{errors[FORM]}</Alert>
      <TextField label="Keystore group" name="keystoreGroup" value={group} onValue={setGroup} error={errors.keystoreGroup} required help="Changing it makes existing keys unaligned until each is aligned with the template." />
      <TextField label="Description" name="description" value={description} onValue={setDescription} error={errors.description} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Saving…" : "Save"}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
