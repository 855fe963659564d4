import { useMemo, useState } from "react";
import { gql } from "../../api/client.ts";
import { UPDATE_KEYSTORE } from "../../api/documents.ts";
import type { Keystore, KeystoreType, TypedError } from "../../api/types.ts";
import { fieldsFor, initialValues, propertiesInput, toPropertyValues, type FormValues } from "../../forms/descriptors.ts";
import { errorToFields, FORM } from "../../forms/issues.ts";
import { validatePropertyForm, type FieldErrors } from "../../forms/validate.ts";
import { Alert } from "../../components/Feedback.tsx";
import { PropertyForm } from "../../components/PropertyForm.tsx";

/**
 * Edit connection: only mutable properties can change; locked and derived ones are shown
 * read-only. A secret left empty keeps the stored one (it is simply not sent).
 */
export function EditConnection(props: { keystore: Keystore; type: KeystoreType; onCancel(): void; onSaved(message: string): void }) {
  const { keystore, type } = props;
  const fields = useMemo(() => fieldsFor(type, "edit", keystore.properties), [type, keystore.properties]);
  const [values, setValues] = useState<FormValues>(() => initialValues(type, "edit", keystore.properties));
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const [showAll, setShowAll] = useState(false);

  const errors = validatePropertyForm(type, values, "edit", keystore.properties);
  const shown: FieldErrors = {};
  for (const [k, v] of Object.entries(errors)) if (showAll || touched.has(k)) shown[k] = v;
  for (const [k, v] of Object.entries(serverErrors)) shown[k] ??= v;

  const save = async () => {
    setShowAll(true);
    if (Object.keys(errors).length > 0) return;
    const changed = toPropertyValues(type, values, "edit", keystore.properties);
    if (Object.keys(changed).length === 0) return props.onSaved("Nothing changed.");
    setSaving(true);
    try {
      const r = await gql<{ updateKeystore: TypedError & { keystore?: Keystore } }>(UPDATE_KEYSTORE, {
        input: { id: keystore.id, expectedVersion: keystore.version, properties: propertiesInput(type, changed) },
      });
      const outcome = r.updateKeystore;
      if (outcome.keystore) return props.onSaved(`Saved. The connection was tested again: ${outcome.keystore.status.message}`);
      if (outcome.__typename === "VersionConflictError") setServerErrors({ [FORM]: "Someone changed this keystore meanwhile. Cancel, and edit it again from its current state." });
      else setServerErrors(errorToFields(outcome, type));
    } catch (e) {
      setServerErrors({ [FORM]: (e as Error).message });
    } finally {
      setSaving(false);
    }
  };

  return (
    <section aria-labelledby="edit-title" className="panel">
      <h2 id="edit-title">Edit connection</h2>
      <p className="help">Properties marked with a lock identify the remote keystore and cannot change. Leave a secret empty to keep the stored one.</p>
      <Alert>{serverErrors[FORM]}</Alert>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <PropertyForm
          fields={fields}
          values={values}
          errors={shown}
          onBlur={(name) => setTouched((t) => new Set(t).add(name))}
          onValue={(name, value) => {
            setServerErrors(({ [name]: _gone, ...rest }) => rest);
            setValues((v) => ({ ...v, [name]: value }));
          }}
        />
        <div className="actions">
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={saving}>
            {saving ? "Saving…" : "Save changes"}
          </button>
        </div>
      </form>
    </section>
  );
}
