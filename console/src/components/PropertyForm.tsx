import type { Field, FormValue, FormValues } from "../forms/descriptors.ts";
import type { FieldErrors } from "../forms/validate.ts";
import { PropertyField } from "./PropertyField.tsx";

/** A keystore type's connection properties, in the order the connector declares them. */
export function PropertyForm(props: { fields: Field[]; values: FormValues; errors: FieldErrors; onValue(name: string, value: FormValue): void; onBlur(name: string): void }) {
  return (
    <fieldset className="properties">
      <legend>Connection properties</legend>
      {props.fields.map((f) => (
        <PropertyField key={f.name} field={f} value={props.values[f.name] ?? ""} error={props.errors[f.name]} onValue={(v) => props.onValue(f.name, v)} onBlur={() => props.onBlur(f.name)} />
      ))}
    </fieldset>
  );
}
