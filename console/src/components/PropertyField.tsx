import { Checkbox, NumberInput, PasswordInput, Select, SelectItem, TextInput } from "@carbon/react";
import { useId } from "react";
import type { Field, FormValue } from "../forms/descriptors.ts";
import { Combobox } from "./Combobox.tsx";
import { KeyFileField } from "./KeyFileField.tsx";
import { carbonMessages, describedBy, FieldBox, FieldShell, fieldLabel, TextAreaField } from "./TextField.tsx";

/** The lock on properties that cannot change once connected. */
export function LockMark() {
  return (
    <span className="lock" title="Locked after connect">
      {/* An SVG, not an emoji: it looks the same without an emoji font. */}
      <svg aria-hidden="true" width="12" height="14" viewBox="0 0 12 14">
        <rect x="1" y="6" width="10" height="7.5" rx="1.2" fill="currentColor" />
        <path d="M3.2 6V4.2a2.8 2.8 0 0 1 5.6 0V6" fill="none" stroke="currentColor" strokeWidth="1.6" />
      </svg>
      <span className="visually-hidden"> (locked after connect)</span>
    </span>
  );
}

/**
 * Up to this many choices Carbon's Select (a native select inside) shows them all at a glance and
 * is the quickest to use; longer enums (regions, locations, countries) get a Combobox, where typing
 * a few letters finds the value.
 */
const MAX_NATIVE_SELECT_OPTIONS = 10;

/**
 * One connection property, rendered from its descriptor on Carbon's form controls. `preview` is a
 * derived property's value as the form's chosen files imply it (see key-files.ts), shown before
 * the connector computes it.
 */
export function PropertyField(props: { field: Field; value: FormValue; error?: string; preview?: string; onValue(value: FormValue): void; onBlur?(): void }) {
  const { field, value, error, onValue, onBlur } = props;
  const id = useId();
  const label = (
    <>
      {field.label}
      {field.locked && <LockMark />}
    </>
  );
  const help = (
    <>
      {field.description}
      {field.locked && !field.readOnly && " Locked after connect."}
    </>
  );
  const required = field.required && !field.readOnly;
  const labelText = fieldLabel(label, required);
  const messages = carbonMessages(id, help, error);
  // Not `required`: the console checks the fields itself and names the problem at the field.
  const common = { id, name: field.name, labelText, onBlur, "aria-required": required || undefined, ...messages };

  if (field.readOnly) {
    const shown = field.secret ? (field.current === undefined ? "" : "set") : (props.preview ?? field.current ?? "");
    return (
      <FieldBox name={field.name} error={error}>
        <TextInput {...common} value={shown} readOnly placeholder={field.placeholder} />
      </FieldBox>
    );
  }

  switch (field.kind) {
    case "file":
      return <KeyFileField field={field} value={value} error={error} label={label} help={help} onValue={onValue} onBlur={onBlur} />;
    case "textarea":
      return <TextAreaField id={id} name={field.name} label={label} required={required} value={String(value)} placeholder={field.placeholder} help={help} error={error} onValue={onValue} onBlur={onBlur} />;
    case "checkbox":
      return (
        <FieldBox name={field.name} error={error}>
          <Checkbox id={id} name={field.name} labelText={label} checked={value === true} onChange={(_, { checked }) => onValue(checked)} onBlur={onBlur} helperText={messages.helperText} invalid={messages.invalid} invalidText={messages.invalidText} />
        </FieldBox>
      );
    case "select":
      if ((field.options?.length ?? 0) > MAX_NATIVE_SELECT_OPTIONS) {
        // An optional enum can be emptied again by choosing "(none)"; a required one starts empty.
        const options = (field.required ? [] : [{ value: "", label: "(none)" }]).concat((field.options ?? []).map((o) => ({ value: o, label: o })));
        return (
          <FieldShell id={id} name={field.name} label={label} help={help} error={error} required={required}>
            <Combobox
              id={id}
              name={field.name}
              options={options}
              value={String(value)}
              onChange={onValue}
              onBlur={onBlur}
              placeholder={field.required ? "Choose…" : undefined}
              invalid={Boolean(error)}
              required={field.required}
              describedBy={describedBy(id, help, error)}
            />
          </FieldShell>
        );
      }
      return (
        <FieldBox name={field.name} error={error}>
          <Select {...common} value={String(value)} onChange={(e) => onValue(e.target.value)}>
            <SelectItem value="" text={field.required ? "Choose…" : "(none)"} />
            {field.options?.map((o) => <SelectItem key={o} value={o} text={o} />)}
          </Select>
        </FieldBox>
      );
    case "number":
      return (
        <FieldBox name={field.name} error={error}>
          <NumberInput
            {...common}
            label={labelText}
            allowEmpty
            min={field.minimum}
            max={field.maximum}
            value={String(value)}
            onChange={(_, state) => onValue(state.value === "" ? "" : String(state.value))}
          />
        </FieldBox>
      );
    case "password":
      return (
        <FieldBox name={field.name} error={error}>
          <PasswordInput {...common} autoComplete="new-password" spellCheck={false} placeholder={field.placeholder} value={String(value)} onChange={(e) => onValue(e.target.value)} />
        </FieldBox>
      );
    default:
      return (
        <FieldBox name={field.name} error={error}>
          <TextInput {...common} autoComplete="off" spellCheck={false} placeholder={field.placeholder} value={String(value)} onChange={(e) => onValue(e.target.value)} />
        </FieldBox>
      );
  }
}
