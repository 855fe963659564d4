import { Button } from "@carbon/react";
import { describedBy, FieldShell, TextField } from "../../../components/TextField.tsx";
import type { FieldErrors } from "../../../forms/validate.ts";
import { Combobox } from "../../../components/Combobox.tsx";
import { TargetOptionFields } from "./TargetOptionFields.tsx";

/** What the form knows of a keystore type: what it holds and its template options. */
export interface TargetType {
  type: string;
  displayName: string;
  capabilities: { algorithms: { algorithm: string; sizes: string[] }[] };
  templateOptions: { name: string; label: string; description: string; valueType: string; minimum: number | null; maximum: number | null; enumValues: string[] | null; default: string | null }[];
}

/** One target as the form holds it: option values as text, empty meaning "the type's default". */
export interface TargetDraft {
  keystoreType: string;
  keystoreGroup: string;
  options: Record<string, string>;
}

export const MAX_TARGETS = 8;
export const emptyTarget = (): TargetDraft => ({ keystoreType: "", keystoreGroup: "", options: {} });

/** The target as the API takes it: only the options given, in the type's order. */
export function targetInput(t: TargetDraft, type: TargetType | undefined) {
  const options = (type?.templateOptions ?? []).flatMap((o) => (t.options[o.name]?.trim() ? [{ name: o.name, value: t.options[o.name]!.trim() }] : []));
  return { keystoreType: t.keystoreType, keystoreGroup: t.keystoreGroup.trim(), options };
}

/**
 * The form key of an API issue about a target: input.targets.1.keystoreGroup -> "targets.1.keystoreGroup";
 * an option's issue (input.targets.1.options.0.value) goes to that option, by the name sent at that place.
 */
export function targetIssueKey(path: readonly string[], sent: readonly { options: { name: string }[] }[]): string | undefined {
  const rest = path[0] === "input" ? path.slice(1) : [...path];
  if (rest[0] !== "targets") return undefined;
  const [, index, field, optionIndex] = rest;
  if (index === undefined) return "targets";
  if (field === "options" && optionIndex !== undefined) return `targets.${index}.option.${sent[Number(index)]?.options[Number(optionIndex)]?.name ?? ""}`;
  return `targets.${index}.${field ?? "keystoreType"}`;
}

/** The algorithms (and their sizes) every chosen type can hold: a key goes to all of them. */
export function commonAlgorithms(targets: readonly TargetDraft[], types: readonly TargetType[]): { algorithm: string; sizes: string[] }[] {
  const chosen = targets.flatMap((t) => types.find((x) => x.type === t.keystoreType) ?? []);
  if (chosen.length === 0) return [];
  return chosen[0]!.capabilities.algorithms.flatMap((a) => {
    const sizes = a.sizes.filter((size) => chosen.every((c) => c.capabilities.algorithms.some((b) => b.algorithm === a.algorithm && b.sizes.includes(size))));
    return sizes.length > 0 ? [{ algorithm: a.algorithm.toUpperCase(), sizes }] : [];
  });
}

/**
 * The "where keys go" part of the template form: one fieldset per target (type, group and that
 * type's options), targets added up to eight and removed down to one.
 */
export function TargetsField(props: { targets: TargetDraft[]; types: readonly TargetType[]; errors: FieldErrors; onChange(targets: TargetDraft[]): void }) {
  const { targets, types, errors, onChange } = props;
  const change = (index: number, next: Partial<TargetDraft>) => onChange(targets.map((t, i) => (i === index ? { ...t, ...next } : t)));
  return (
    <div className="targets" data-testid="template-targets">
      {errors.targets && (
        <p className="error" role="alert">
          {errors.targets}
        </p>
      )}
      {targets.map((target, index) => {
        const type = types.find((x) => x.type === target.keystoreType);
        const key = (field: string) => `targets.${index}.${field}`;
        const typeId = `target-${index}-type`;
        return (
          <fieldset key={index} className="panel" aria-label={`Target ${index + 1}`}>
            <legend>Target {index + 1}</legend>
            <FieldShell id={typeId} name={key("keystoreType")} label="Keystore type" required error={errors[key("keystoreType")]}>
              <Combobox
                id={typeId}
                placeholder="Choose…"
                required
                value={target.keystoreType}
                // Another type has other options: the old values would not fit.
                onChange={(keystoreType) => change(index, { keystoreType, options: {} })}
                invalid={Boolean(errors[key("keystoreType")])}
                describedBy={describedBy(typeId, false, errors[key("keystoreType")])}
                options={types.map((t) => ({ value: t.type, label: t.displayName }))}
              />
            </FieldShell>
            <TextField
              label="Keystore group"
              name={key("keystoreGroup")}
              required
              value={target.keystoreGroup}
              onValue={(v) => change(index, { keystoreGroup: v })}
              error={errors[key("keystoreGroup")]}
              help="Keys go to every keystore of the type in this group."
            />
            <TargetOptionFields
              index={index}
              type={type}
              values={target.options}
              errors={errors}
              empty="Default"
              onValue={(name, v) => change(index, { options: { ...target.options, [name]: v } })}
            />
            {targets.length > 1 && (
              <Button kind="secondary" onClick={() => onChange(targets.filter((_, i) => i !== index))}>
                Remove target {index + 1}
              </Button>
            )}
          </fieldset>
        );
      })}
      {targets.length < MAX_TARGETS && (
        <Button kind="secondary" onClick={() => onChange([...targets, emptyTarget()])}>
          Add target
        </Button>
      )}
    </div>
  );
}
