import { Button, Form } from "@carbon/react";
import { useMemo, useState } from "react";
import { gql } from "../../api/client.ts";
import { TEST_CONNECTION, UPDATE_KEYSTORE } from "../../api/documents.ts";
import type { ConnectionTest, Keystore, KeystoreType, TypedError } from "../../api/types.ts";
import { announceKeystoreChanged } from "../../api/keystore-broadcast.ts";
import { fieldsFor, initialValues, propertiesInput, toPropertyValues, type FormValue, type FormValues } from "../../forms/descriptors.ts";
import { errorToFields, FORM } from "../../forms/issues.ts";
import { parseGroups, validateGeneral, validatePropertyForm, type FieldErrors } from "../../forms/validate.ts";
import { Alert } from "../../components/Feedback.tsx";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { ConnectionTestResult } from "../../components/ConnectionTestResult.tsx";
import { PropertyForm } from "../../components/PropertyForm.tsx";
import { TextField } from "../../components/TextField.tsx";
import { useKeystoreNameTaken } from "./use-name-taken.ts";

/**
 * Edit connection: the name, description and groups, and the mutable properties; locked and
 * derived ones are shown read-only. A secret left empty keeps the stored one (it is simply not
 * sent). Changed properties are tested before they are saved, when the form holds every secret
 * the test needs (the stored ones never reach the browser); credentials that fail are saved only
 * after the person confirms.
 */
export function EditConnection(props: { keystore: Keystore; type: KeystoreType; onCancel(): void; onSaved(message: string, ok: boolean): void }) {
  const { keystore, type } = props;
  const fields = useMemo(() => fieldsFor(type, "edit", keystore.properties), [type, keystore.properties]);
  const [general, setGeneral] = useState({ name: keystore.name, description: keystore.description, groups: keystore.groups.join(", ") });
  const [values, setValues] = useState<FormValues>(() => initialValues(type, "edit", keystore.properties));
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState<"testing" | "saving">();
  const [showAll, setShowAll] = useState(false);
  /** The test of the values as they are now; any change clears it. */
  const [test, setTest] = useState<ConnectionTest>();
  const [confirming, setConfirming] = useState(false);
  const name = useKeystoreNameTaken(keystore.vault, general.name, keystore.id);

  const errors: FieldErrors = { ...validateGeneral(general), ...validatePropertyForm(type, values, "edit", keystore.properties) };
  if (!errors.name && name.taken) errors.name = name.taken;
  const shown: FieldErrors = {};
  for (const [k, v] of Object.entries(errors)) if (showAll || touched.has(k)) shown[k] = v;
  for (const [k, v] of Object.entries(serverErrors)) shown[k] ??= v;
  // Said while typing, before the field is left: it is a fact about the vault, not a typo.
  if (name.taken) shown.name ??= name.taken;

  const changed = toPropertyValues(type, values, "edit", keystore.properties);
  const generalChange = {
    ...(general.name.trim() !== keystore.name ? { name: general.name.trim() } : {}),
    ...(general.description !== keystore.description ? { description: general.description } : {}),
    ...(parseGroups(general.groups).join(",") !== keystore.groups.join(",") ? { groups: parseGroups(general.groups) } : {}),
  };
  // The test needs every secret the keystore holds; the stored ones are never sent to the browser.
  const storedSecrets = keystore.properties.filter((p) => p.secret && p.isSet).map((p) => p.name);
  const testable = storedSecrets.every((n) => (values[n] ?? "") !== "");
  const propertiesChanged = Object.keys(changed).length > 0;

  const touch = () => {
    setTest(undefined);
    setServerErrors({});
  };
  const setProperty = (name: string, value: FormValue) => {
    touch();
    setValues((v) => ({ ...v, [name]: value }));
  };
  const setField = (field: keyof typeof general) => (value: string) => {
    setServerErrors(({ [field]: _gone, [FORM]: _form, ...rest }) => rest);
    setGeneral((g) => ({ ...g, [field]: value }));
  };

  /** Tests the form's values as one set of properties: nothing is saved. */
  const runTest = async (): Promise<ConnectionTest | undefined> => {
    const r = await gql<{ testKeystoreConnection: TypedError & { test?: ConnectionTest } }>(TEST_CONNECTION, {
      input: { properties: propertiesInput(type, toPropertyValues(type, values)) },
    });
    const outcome = r.testKeystoreConnection;
    if (outcome.test) return outcome.test;
    setServerErrors(errorToFields(outcome, type));
    return undefined;
  };

  const fails = (t: ConnectionTest) => !t.ok || (t.alreadyConnected != null && t.alreadyConnected.keystoreId !== keystore.id);

  const save = async (confirmed = false) => {
    setShowAll(true);
    const taken = errors.name ? undefined : await name.check();
    if (Object.keys(errors).length > 0 || taken) return;
    if (!propertiesChanged && Object.keys(generalChange).length === 0) return props.onSaved("Nothing changed.", true);
    try {
      if (propertiesChanged && testable && !confirmed) {
        setBusy("testing");
        const result = test ?? (await runTest());
        if (!result) return;
        setTest(result);
        if (fails(result)) return setConfirming(true);
      }
      setBusy("saving");
      const r = await gql<{ updateKeystore: TypedError & { keystore?: Keystore } }>(UPDATE_KEYSTORE, {
        input: { id: keystore.id, expectedVersion: keystore.version, ...generalChange, ...(propertiesChanged ? { properties: propertiesInput(type, changed) } : {}) },
      });
      const outcome = r.updateKeystore;
      if (outcome.keystore) {
        announceKeystoreChanged(keystore.id);
        const status = outcome.keystore.status;
        if (!propertiesChanged) return props.onSaved("Saved.", true);
        return status.health === "OK"
          ? props.onSaved(`Saved. The connection was tested again: ${status.message}`, true)
          : props.onSaved(`Saved, but the saved connection does not work: ${status.message}`, false);
      }
      if (outcome.__typename === "VersionConflictError") setServerErrors({ [FORM]: "Someone changed this keystore meanwhile. Cancel, and edit it again from its current state." });
      else setServerErrors(errorToFields(outcome, type));
    } catch (e) {
      setServerErrors({ [FORM]: (e as Error).message });
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section aria-labelledby="edit-title" className="panel">
      <h2 id="edit-title">Edit connection</h2>
      <p className="help">
        Properties marked with a lock identify the remote keystore and cannot change. Leave a secret empty to keep the stored one.{" "}
        {propertiesChanged && !testable && "Enter the secrets again to have the new properties tested before they are saved; otherwise they are tested when saved."}
      </p>
      <Alert>{serverErrors[FORM]}</Alert>
      <Form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <fieldset>
          <legend>Keystore</legend>
          <TextField label="Name" name="name" required value={general.name} onValue={setField("name")} onBlur={() => setTouched((t) => new Set(t).add("name"))} error={shown.name} help="Unique in the vault." />
          <TextField label="Description" name="description" value={general.description} onValue={setField("description")} error={shown.description} help="Up to 200 characters." />
          <TextField label="Groups" name="groups" value={general.groups} onValue={setField("groups")} error={shown.groups} help="Comma-separated, e.g. prod, eu." />
        </fieldset>
        <PropertyForm fields={fields} values={values} errors={shown} onBlur={(name) => setTouched((t) => new Set(t).add(name))} onValue={setProperty} />
        <div aria-live="polite">{test && <ConnectionTestResult test={test} self={keystore.id} />}</div>
        <div className="actions">
          <Button kind="secondary" onClick={props.onCancel}>
            Cancel
          </Button>
          <Button type="submit" kind="primary" disabled={busy !== undefined}>
            {busy === "testing" ? "Testing…" : busy === "saving" ? "Saving…" : propertiesChanged && testable ? "Test and save" : "Save changes"}
          </Button>
        </div>
      </Form>
      <ConfirmDialog
        open={confirming}
        title="Save properties that fail the test?"
        confirmLabel="Save anyway"
        danger
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          void save(true);
        }}
      >
        <p>The connection test of the new values failed: {test?.message}</p>
        <p>If you save anyway, the keystore shows the problem as its status, and operations on its keys fail until the properties are fixed.</p>
      </ConfirmDialog>
    </section>
  );
}
