import { Button, Form, Stack } from "@carbon/react";
import { useState, type FormEvent } from "react";
import { gql } from "../../../api/client.ts";
import { TEMPLATE_CAPABILITIES, UPDATE_KEY_TEMPLATE } from "../../../api/documents.ts";
import type { KeyTemplateDetail, TypedError } from "../../../api/types.ts";
import { useQuery } from "../../../api/use-query.ts";
import { Alert } from "../../../components/Feedback.tsx";
import { TextField } from "../../../components/TextField.tsx";
import { errorToFields, FORM } from "../../../forms/issues.ts";
import type { FieldErrors } from "../../../forms/validate.ts";
import { TargetOptionFields } from "./TargetOptionFields.tsx";
import { targetIssueKey, type TargetType } from "./TargetsField.tsx";

/** The options a target has set, by name, as the form holds them. */
const optionValues = (options: readonly { name: string; value: string }[]) => Object.fromEntries(options.map((o) => [o.name, o.value]));

/**
 * Edits what may change after creation here: each target's keystore group and its options, and
 * the description (algorithm, the targets' types and the naming scheme are fixed). A new group or
 * option value makes existing keys unaligned, so it says so. The API keeps an option not listed,
 * so only the options changed are sent, and an emptied one keeps its value.
 */
export function EditTemplate({ template, onSaved, onCancel }: { template: KeyTemplateDetail; onSaved(t: KeyTemplateDetail): void; onCancel(): void }) {
  const caps = useQuery<{ keystoreTypes: TargetType[] }>(TEMPLATE_CAPABILITIES);
  const [groups, setGroups] = useState(template.targets.map((t) => t.keystoreGroup));
  const [options, setOptions] = useState(template.targets.map((t) => optionValues(t.options)));
  const [description, setDescription] = useState(template.description);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const types = caps.data?.keystoreTypes ?? [];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    // Each target again with its type; its options only where the value changed.
    const targets = template.targets.map((t, i) => {
      const stored = optionValues(t.options);
      const changed = Object.entries(options[i]!).flatMap(([name, value]) => (value.trim() !== "" && value.trim() !== stored[name] ? [{ name, value: value.trim() }] : []));
      return { keystoreType: t.keystoreType, keystoreGroup: groups[i]!.trim(), options: changed };
    });
    const retargeted = targets.some((t, i) => t.keystoreGroup !== template.targets[i]!.keystoreGroup || t.options.length > 0);
    const input = { id: template.id, expectedVersion: template.version, description, ...(retargeted ? { targets } : {}) };
    try {
      const outcome = (await gql<{ updateKeyTemplate: TypedError & { keyTemplate?: KeyTemplateDetail } }>(UPDATE_KEY_TEMPLATE, { input })).updateKeyTemplate;
      if (outcome.keyTemplate) return onSaved(outcome.keyTemplate);
      // Issues about a target arrive as ["input", "targets", "1", "keystoreGroup"] (or its options.0.value): show them at that field.
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

  const several = template.targets.length > 1;
  return (
    <Form className="panel" aria-label="Edit template" onSubmit={(e) => void submit(e)} noValidate>
      <h2>Edit template</h2>
      <Alert>{errors[FORM] ?? errors.targets}</Alert>
      <Alert>{caps.error}</Alert>
      {template.targets.map((t, i) => (
        <fieldset key={i} className="panel" aria-label={`Target ${i + 1}`}>
          <legend>
            Target {i + 1} ({types.find((x) => x.type === t.keystoreType)?.displayName ?? t.keystoreType})
          </legend>
          <Stack gap={5}>
            <TextField
              label={several ? `Keystore group of target ${i + 1} (${t.keystoreType})` : `Keystore group (${t.keystoreType})`}
              name={`targets.${i}.keystoreGroup`}
              value={groups[i]!}
              onValue={(v) => setGroups((g) => g.map((x, j) => (j === i ? v : x)))}
              error={errors[`targets.${i}.keystoreGroup`]}
              required
              help="Changing it makes existing keys unaligned until each is aligned with the template."
            />
            <TargetOptionFields
              index={i}
              type={types.find((x) => x.type === t.keystoreType)}
              values={options[i]!}
              errors={errors}
              empty="Unchanged"
              onValue={(name, value) => setOptions((all) => all.map((o, j) => (j === i ? { ...o, [name]: value } : o)))}
            />
          </Stack>
          <p className="help">A changed option also makes existing keys unaligned until each is aligned with the template.</p>
        </fieldset>
      ))}
      <TextField label="Description" name="description" value={description} onValue={setDescription} error={errors.description} />
      <div className="actions">
        <Button type="submit" kind="primary" disabled={busy}>
          {busy ? "Saving…" : "Save"}
        </Button>
        <Button kind="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </Form>
  );
}
