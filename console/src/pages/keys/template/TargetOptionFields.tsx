import { Select, SelectItem } from "@carbon/react";
import { carbonMessages, FieldBox, TextField } from "../../../components/TextField.tsx";
import type { FieldErrors } from "../../../forms/validate.ts";
import type { TargetType } from "./TargetsField.tsx";

/**
 * A target's template options, as its keystore type declares them: a Carbon Select for a choice
 * (true/false, an enum), a text field otherwise; the range and the default in the help. Shared by
 * the create and edit forms; `index` places each message at its option (targets.<i>.option.<name>).
 * `empty` is what an empty value means: the type's default when creating, the current value when editing.
 */
export function TargetOptionFields(props: { index: number; type: TargetType | undefined; values: Record<string, string>; errors: FieldErrors; empty: string; onValue(name: string, value: string): void }) {
  const { index, type, values, errors } = props;
  return (
    <>
      {type?.templateOptions.map((o) => {
        const id = `target-${index}-${o.name}`;
        const choices = o.valueType === "BOOLEAN" ? ["true", "false"] : o.valueType === "ENUM" ? (o.enumValues ?? []) : undefined;
        const range = o.minimum !== null || o.maximum !== null ? ` (${o.minimum ?? "…"} to ${o.maximum ?? "…"})` : "";
        const help = `${o.description}${range}${o.default !== null ? ` Default: ${o.default}.` : ""}`;
        const value = values[o.name] ?? "";
        const set = (v: string) => props.onValue(o.name, v);
        const error = errors[`targets.${index}.option.${o.name}`];
        if (!choices) return <TextField key={o.name} label={o.label} name={o.name} value={value} onValue={set} error={error} help={help} />;
        return (
          <FieldBox key={o.name} name={o.name} error={error}>
            <Select id={id} name={o.name} labelText={o.label} value={value} onChange={(e) => set(e.target.value)} {...carbonMessages(id, help, error)}>
              <SelectItem value="" text={props.empty} />
              {choices.map((c) => (
                <SelectItem key={c} value={c} text={c} />
              ))}
            </Select>
          </FieldBox>
        );
      })}
    </>
  );
}
