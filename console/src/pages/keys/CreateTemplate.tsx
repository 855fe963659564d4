import { useState } from "react";
import { gql } from "../../api/client.ts";
import { CREATE_KEY_TEMPLATE, TEMPLATE_CAPABILITIES, VAULTS } from "../../api/documents.ts";
import type { Page, TypedError, Vault } from "../../api/types.ts";
import { useQuery } from "../../api/use-query.ts";
import { Alert } from "../../components/Feedback.tsx";
import { Button, Form, Select, SelectItem } from "@carbon/react";
import { carbonMessages, describedBy, FieldBox, FieldShell, fieldLabel, TextField } from "../../components/TextField.tsx";
import { Combobox } from "../../components/Combobox.tsx";
import { errorToFields, FORM } from "../../forms/issues.ts";
import type { FieldErrors } from "../../forms/validate.ts";
import { navigate } from "../../router.tsx";
import { commonAlgorithms, emptyTarget, targetInput, TargetsField, targetIssueKey, type TargetDraft, type TargetType } from "./template/TargetsField.tsx";
import { Crumbs } from "../../shell/Crumbs.tsx";
import { showToast } from "../../components/toasts.ts";

/** A key template: where its keys go (one or more targets), and an algorithm and size every target's type can hold. */
export function CreateTemplate() {
  const vaults = useQuery<{ vaults: Page<Vault> }>(VAULTS);
  const caps = useQuery<{ keystoreTypes: TargetType[] }>(TEMPLATE_CAPABILITIES);
  const [form, setForm] = useState({ vaultId: "", name: "", description: "", algorithm: "", size: "", initialState: "PRE_ACTIVATION", namingScheme: "" });
  const [targets, setTargets] = useState<TargetDraft[]>([emptyTarget()]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const set = (name: keyof typeof form) => (value: string) => setForm((f) => ({ ...f, [name]: value }));
  const types = caps.data?.keystoreTypes ?? [];
  const algorithms = commonAlgorithms(targets, types);
  const sizes = algorithms.find((a) => a.algorithm === form.algorithm)?.sizes ?? [];

  const submit = async () => {
    const local: FieldErrors = {};
    for (const k of ["vaultId", "name", "algorithm", "size", "namingScheme"] as const) if (!form[k].trim()) local[k] = "Required";
    targets.forEach((t, i) => {
      if (!t.keystoreType) local[`targets.${i}.keystoreType`] = "Required";
      if (!t.keystoreGroup.trim()) local[`targets.${i}.keystoreGroup`] = "Required";
    });
    setErrors(local);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    const sent = targets.map((t) => targetInput(t, types.find((x) => x.type === t.keystoreType)));
    try {
      const r = await gql<{ createKeyTemplate: TypedError & { keyTemplate?: { id: string } } }>(CREATE_KEY_TEMPLATE, {
        input: {
          vaultId: form.vaultId,
          name: form.name.trim(),
          description: form.description,
          namingScheme: form.namingScheme,
          key: { algorithm: form.algorithm, size: form.size, initialState: form.initialState },
          targets: sent,
        },
      });
      const outcome = r.createKeyTemplate;
      if (outcome.keyTemplate) {
        showToast({ kind: "success", title: `Template ${form.name.trim()} created` });
        return navigate("/templates");
      }
      // Issue paths are input.key.size (keep the leaf) or input.targets.1.keystoreGroup (that target's field).
      const byField: FieldErrors = {};
      for (const issue of outcome.issues ?? []) {
        const at = targetIssueKey(issue.path, sent) ?? issue.path[issue.path.length - 1] ?? FORM;
        byField[at] = byField[at] ? `${byField[at]}; ${issue.message}` : issue.message;
      }
      setErrors(outcome.issues ? byField : errorToFields(outcome));
    } catch (e) {
      setErrors({ [FORM]: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };

  // A short fixed list: Carbon's Select (a native select inside, the most accessible choice where there is nothing to type).
  const select = (name: keyof typeof form, label: string, options: [string, string][], help?: string) => (
    <FieldBox name={name} error={errors[name]}>
      <Select id={`t-${name}`} name={name} labelText={fieldLabel(label, true)} aria-required value={form[name]} onChange={(e) => set(name)(e.target.value)} {...carbonMessages(`t-${name}`, help, errors[name])}>
        <SelectItem value="" text="Choose…" />
        {options.map(([value, text]) => (
          <SelectItem key={value} value={value} text={text} />
        ))}
      </Select>
    </FieldBox>
  );

  return (
    <>
      <Crumbs parent={{ to: "/templates", label: "Key templates" }} current="Create template" />
      <h1>Create template</h1>
      <Alert>{vaults.error ?? caps.error ?? errors[FORM]}</Alert>
      <Form
        noValidate
        className="narrow"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {/* Vaults can be many: a combobox; the short fixed lists below stay native selects. */}
        <FieldShell id="t-vaultId" name="vaultId" label="Vault" required error={errors.vaultId}>
          <Combobox
            id="t-vaultId"
            placeholder="Choose…"
            required
            value={form.vaultId}
            onChange={set("vaultId")}
            invalid={Boolean(errors.vaultId)}
            describedBy={describedBy("t-vaultId", false, errors.vaultId)}
            options={(vaults.data?.vaults.nodes ?? []).map((v) => ({ value: v.id, label: v.name }))}
          />
        </FieldShell>
        <TextField label="Name" name="name" required value={form.name} onValue={set("name")} error={errors.name} help="1 to 30 characters: a letter, then letters, digits and -. Unique in the vault." />
        <TextField label="Description" name="description" value={form.description} onValue={set("description")} error={errors.description} />
        <h2>Where its keys go</h2>
        <TargetsField targets={targets} types={types} errors={errors} onChange={setTargets} />
        {select(
          "algorithm",
          "Algorithm",
          algorithms.map((a) => [a.algorithm, a.algorithm]),
          targets.some((t) => t.keystoreType) ? "What every target's keystore type can hold." : "Choose a keystore type first.",
        )}
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
          help="Fixed text with <placeholders>, e.g. uko/<app>-<yyyy>; fixed after creation. One name in every target's keystores, so it must fit each type's key name rules."
        />
        <div className="actions">
          <Button type="submit" kind="primary" disabled={busy}>
            {busy ? "Creating…" : "Create template"}
          </Button>
        </div>
      </Form>
    </>
  );
}
