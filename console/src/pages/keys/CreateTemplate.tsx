import { useState } from "react";
import { gql } from "../../api/client.ts";
import { CREATE_KEY_TEMPLATE, TEMPLATE_CAPABILITIES, VAULTS } from "../../api/documents.ts";
import type { Page, TypedError, Vault } from "../../api/types.ts";
import { useQuery } from "../../api/use-query.ts";
import { Alert } from "../../components/Feedback.tsx";
import { FieldShell, TextField } from "../../components/TextField.tsx";
import { errorToFields, FORM } from "../../forms/issues.ts";
import type { FieldErrors } from "../../forms/validate.ts";
import { Link, navigate } from "../../router.tsx";

type Capabilities = { keystoreTypes: { type: string; displayName: string; capabilities: { algorithms: { algorithm: string; sizes: string[] }[] } }[] };

/** A key template: algorithm and size from what the target type can hold. */
export function CreateTemplate() {
  const vaults = useQuery<{ vaults: Page<Vault> }>(VAULTS);
  const caps = useQuery<Capabilities>(TEMPLATE_CAPABILITIES);
  const [form, setForm] = useState({ vaultId: "", name: "", description: "", keystoreType: "", keystoreGroup: "", algorithm: "", size: "", initialState: "PRE_ACTIVATION", namingScheme: "" });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const set = (name: keyof typeof form) => (value: string) => setForm((f) => ({ ...f, [name]: value }));
  const type = caps.data?.keystoreTypes.find((t) => t.type === form.keystoreType);
  const sizes = type?.capabilities.algorithms.find((a) => a.algorithm.toUpperCase() === form.algorithm)?.sizes ?? [];

  const submit = async () => {
    const local: FieldErrors = {};
    for (const k of ["vaultId", "name", "keystoreType", "keystoreGroup", "algorithm", "size", "namingScheme"] as const) if (!form[k].trim()) local[k] = "Required";
    setErrors(local);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    try {
      const r = await gql<{ createKeyTemplate: TypedError & { keyTemplate?: { id: string } } }>(CREATE_KEY_TEMPLATE, {
        input: {
          vaultId: form.vaultId,
          name: form.name.trim(),
          description: form.description,
          namingScheme: form.namingScheme,
          key: { algorithm: form.algorithm, size: form.size, initialState: form.initialState },
          target: { keystoreType: form.keystoreType, keystoreGroup: form.keystoreGroup.trim() },
        },
      });
      const outcome = r.createKeyTemplate;
      if (outcome.keyTemplate) return navigate("/templates");
      // Issue paths are input.key.size, input.target.keystoreGroup: keep the leaf.
      const byField: FieldErrors = {};
      for (const issue of outcome.issues ?? []) byField[issue.path[issue.path.length - 1] ?? FORM] = issue.message;
      setErrors(outcome.issues ? byField : errorToFields(outcome));
    } catch (e) {
      setErrors({ [FORM]: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const select = (name: keyof typeof form, label: string, options: [string, string][], help?: string) => (
    <FieldShell id={`t-${name}`} name={name} label={label} required error={errors[name]} help={help}>
      <select id={`t-${name}`} name={name} value={form[name]} onChange={(e) => set(name)(e.target.value)} aria-invalid={errors[name] ? true : undefined}>
        <option value="">Choose…</option>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </FieldShell>
  );

  return (
    <>
      <p className="crumbs">
        <Link to="/templates">Key templates</Link> › Create template
      </p>
      <h1>Create template</h1>
      <Alert>{vaults.error ?? caps.error ?? errors[FORM]}</Alert>
      <form
        noValidate
        className="narrow"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {select("vaultId", "Vault", (vaults.data?.vaults.nodes ?? []).map((v) => [v.id, v.name]))}
        <TextField label="Name" name="name" required value={form.name} onValue={set("name")} error={errors.name} help="1 to 30 characters: a letter, then letters, digits and -. Unique in the vault." />
        <TextField label="Description" name="description" value={form.description} onValue={set("description")} error={errors.description} />
        {select("keystoreType", "Keystore type", (caps.data?.keystoreTypes ?? []).map((t) => [t.type, t.displayName]))}
        <TextField label="Keystore group" name="keystoreGroup" required value={form.keystoreGroup} onValue={set("keystoreGroup")} error={errors.keystoreGroup} help="Keys go to every keystore of the type in this group." />
        {select("algorithm", "Algorithm", (type?.capabilities.algorithms ?? []).map((a) => [a.algorithm.toUpperCase(), a.algorithm.toUpperCase()]), type ? undefined : "Choose the keystore type first.")}
        {select("size", "Size", sizes.map((s) => [s, s]))}
        {select("initialState", "Initial state", [
          ["PRE_ACTIVATION", "Pre-active: installed when activated"],
          ["ACTIVE", "Active: installed at once"],
        ])}
        <TextField
          label="Naming scheme"
          name="namingScheme"
          required
          value={form.namingScheme}
          onValue={set("namingScheme")}
          error={errors.namingScheme}
          help="Fixed text with <placeholders>, e.g. uko/<app>-<yyyy>; fixed after creation."
        />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Creating…" : "Create template"}
          </button>
        </div>
      </form>
    </>
  );
}
