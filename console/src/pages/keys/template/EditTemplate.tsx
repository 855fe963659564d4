import { useState, type FormEvent } from "react";
import { gql } from "../../../api/client.ts";
import { UPDATE_KEY_TEMPLATE } from "../../../api/documents.ts";
import type { KeyTemplateDetail, TypedError } from "../../../api/types.ts";
import { Alert } from "../../../components/Feedback.tsx";
import { TextField } from "../../../components/TextField.tsx";
import { errorToFields, FORM } from "../../../forms/issues.ts";
import type { FieldErrors } from "../../../forms/validate.ts";
import { targetIssueKey } from "./TargetsField.tsx";

/**
 * Edits what may change after creation here: each target's keystore group and the description
 * (algorithm, the targets' types and the naming scheme are fixed). A new group makes existing keys
 * unaligned, so it says so. Options keep their values (the API takes changes to them too).
 */
export function EditTemplate({ template, onSaved, onCancel }: { template: KeyTemplateDetail; onSaved(t: KeyTemplateDetail): void; onCancel(): void }) {
  const [groups, setGroups] = useState(template.targets.map((t) => t.keystoreGroup));
  const [description, setDescription] = useState(template.description);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    const regrouped = groups.some((g, i) => g !== template.targets[i]!.keystoreGroup);
    // The API takes every target again, each with its type; options not listed keep their values.
    const targets = template.targets.map((t, i) => ({ keystoreType: t.keystoreType, keystoreGroup: groups[i]!.trim(), options: [] }));
    const input = { id: template.id, expectedVersion: template.version, description, ...(regrouped ? { targets } : {}) };
    try {
      const outcome = (await gql<{ updateKeyTemplate: TypedError & { keyTemplate?: KeyTemplateDetail } }>(UPDATE_KEY_TEMPLATE, { input })).updateKeyTemplate;
      if (outcome.keyTemplate) return onSaved(outcome.keyTemplate);
      // Issues about a target arrive as ["input", "targets", "1", "keystoreGroup"]: show them at that group's field.
      const fields = errorToFields(outcome);
      for (const issue of outcome.issues ?? []) {
        const at = targetIssueKey(issue.path, targets);
        if (at) fields[at] = issue.message;
      }
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
      <Alert>{errors[FORM] ?? errors.targets}</Alert>
      {template.targets.map((t, i) => (
        <TextField
          key={i}
          label={template.targets.length > 1 ? `Keystore group of target ${i + 1} (${t.keystoreType})` : `Keystore group (${t.keystoreType})`}
          name={`targets.${i}.keystoreGroup`}
          value={groups[i]!}
          onValue={(v) => setGroups((g) => g.map((x, j) => (j === i ? v : x)))}
          error={errors[`targets.${i}.keystoreGroup`]}
          required
          help="Changing it makes existing keys unaligned until each is aligned with the template."
        />
      ))}
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
