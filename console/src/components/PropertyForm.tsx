import { useEffect, useState } from "react";
import type { Field, FormValue, FormValues } from "../forms/descriptors.ts";
import { derivedFromFiles } from "../forms/key-files.ts";
import type { FieldErrors } from "../forms/validate.ts";
import { PropertyField } from "./PropertyField.tsx";

type Props = {
  fields: Field[];
  values: FormValues;
  errors: FieldErrors;
  onValue(name: string, value: FormValue): void;
  onBlur(name: string): void;
};

/**
 * A keystore type's connection properties, in the order the connector declares them; the advanced
 * ones (see isAdvanced) folded under "Advanced", which opens by itself once one of them holds a
 * value or a message, so nothing set or wrong is ever hidden.
 */
export function PropertyForm(props: Props) {
  const preview = derivedFromFiles(props.fields, props.values);
  const main = props.fields.filter((f) => !f.advanced);
  const advanced = props.fields.filter((f) => f.advanced);
  const needsOpen = advanced.some((f) => props.errors[f.name] !== undefined || (props.values[f.name] ?? "") !== "");
  const [open, setOpen] = useState(needsOpen);
  useEffect(() => {
    if (needsOpen) setOpen(true);
  }, [needsOpen]);

  const field = (f: Field) => (
    <PropertyField key={f.name} field={f} value={props.values[f.name] ?? ""} error={props.errors[f.name]} preview={preview[f.name]} onValue={(v) => props.onValue(f.name, v)} onBlur={() => props.onBlur(f.name)} />
  );
  return (
    <fieldset className="properties">
      <legend>Connection properties</legend>
      {main.map(field)}
      {advanced.length > 0 && (
        <details className="advanced" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
          <summary>Advanced ({advanced.map((f) => f.label.replace(/\s*\(advanced\)$/i, "")).join(", ")})</summary>
          {advanced.map(field)}
        </details>
      )}
    </fieldset>
  );
}
