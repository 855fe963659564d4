import { Button, Form } from "@carbon/react";
import { useState } from "react";
import { gql } from "../../api/client.ts";
import { CREATE_MANAGED_KEY, KEY_TEMPLATES } from "../../api/documents.ts";
import { targetsText, type KeyStatusInKeystore, type KeyTemplate, type Page, type TypedError } from "../../api/types.ts";
import { useQuery } from "../../api/use-query.ts";
import { Alert, Loading } from "../../components/Feedback.tsx";
import { describedBy, FieldShell, TextField } from "../../components/TextField.tsx";
import { errorToFields, FORM } from "../../forms/issues.ts";
import type { FieldErrors } from "../../forms/validate.ts";
import { Link, navigate } from "../../router.tsx";
import { Combobox } from "../../components/Combobox.tsx";
import { Crumbs } from "../../shell/Crumbs.tsx";
import { toastOutcome } from "./installs.ts";

/** Create a managed key from a template; the template's placeholders ask for their values. */
export function CreateKey() {
  const templates = useQuery<{ keyTemplates: Page<KeyTemplate> }>(KEY_TEMPLATES, { filter: { archived: false } });
  const [templateId, setTemplateId] = useState("");
  const [label, setLabel] = useState("");
  const [description, setDescription] = useState("");
  const [naming, setNaming] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const template = templates.data?.keyTemplates.nodes.find((t) => t.id === templateId);

  const submit = async () => {
    const local: FieldErrors = {};
    if (!template) local.templateId = "Choose a template";
    if (!label.trim()) local.label = "Label is required";
    for (const p of template?.namingSchemePlaceholders ?? []) if ((naming[p] ?? "").trim().length < 2) local[`naming:${p}`] = "At least 2 letters, digits or spaces";
    setErrors(local);
    if (Object.keys(local).length > 0 || !template) return;
    setBusy(true);
    try {
      const r = await gql<{ createManagedKey: TypedError & { managedKey?: { id: string; label: string; statusInKeystores: KeyStatusInKeystore[] } } }>(CREATE_MANAGED_KEY, {
        input: {
          vaultId: template.vault.id,
          templateId: template.id,
          label: label.trim(),
          description,
          namingValues: template.namingSchemePlaceholders.map((name) => ({ name, value: naming[name] ?? "" })),
        },
      });
      const outcome = r.createManagedKey;
      if (outcome.managedKey) {
        // Its installation is per keystore: a failure is a red toast that stays, never a green one.
        toastOutcome(`Key ${outcome.managedKey.label} created`, "Installed", outcome.managedKey.statusInKeystores);
        return navigate(`/keys/${outcome.managedKey.id}`);
      }
      const byField = errorToFields(outcome);
      // A taken name is the label here; naming-value issues show at the placeholders' block.
      if (outcome.__typename === "DuplicateNameError") setErrors({ label: outcome.message });
      else setErrors(byField.namingValues ? { ...byField, naming: byField.namingValues } : byField);
    } catch (e) {
      setErrors({ [FORM]: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const list = templates.data?.keyTemplates.nodes ?? [];
  return (
    <>
      <Crumbs parent={{ to: "/keys", label: "Managed keys" }} current="Create key" />
      <h1>Create key</h1>
      <Alert>{templates.error ?? errors[FORM]}</Alert>
      {!templates.data && <Loading what="templates" />}
      {templates.data && list.length === 0 && (
        <p>
          There is no key template yet. <Link to="/templates/new">Create a template</Link> first.
        </p>
      )}
      {list.length > 0 && (
        <Form
          noValidate
          className="narrow"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <FieldShell id="template" name="templateId" label="Template" required error={errors.templateId} help="The template decides the algorithm, the vault and the keystores the key goes to.">
            <Combobox
              id="template"
              placeholder="Choose…"
              required
              value={templateId}
              onChange={setTemplateId}
              invalid={Boolean(errors.templateId)}
              describedBy={describedBy("template", true, errors.templateId)}
              options={list.map((t) => ({ value: t.id, label: `${t.name} (${t.vault.name}: ${t.key.algorithm} ${t.key.size} → ${targetsText(t.targets)})` }))}
            />
          </FieldShell>
          <TextField label="Label" name="label" required value={label} onValue={setLabel} error={errors.label} help="1 to 255 characters: letters, digits, spaces, . _ / -. Unique in the vault." />
          <TextField label="Description" name="description" value={description} onValue={setDescription} error={errors.description} />
          {template?.namingSchemePlaceholders.map((p) => (
            <TextField
              key={p}
              label={`Naming value <${p}>`}
              name={`naming-${p}`}
              required
              value={naming[p] ?? ""}
              onValue={(v) => setNaming((n) => ({ ...n, [p]: v }))}
              error={errors[`naming:${p}`] ?? errors.naming}
              help={`Fills <${p}> in the naming scheme ${template.namingScheme}.`}
            />
          ))}
          <div className="actions">
            <Button type="submit" kind="primary" disabled={busy}>
              {busy ? "Creating…" : "Create key"}
            </Button>
          </div>
        </Form>
      )}
    </>
  );
}
