import { PasswordInput, TextArea, TextInput } from "@carbon/react";
import { useId, type ChangeEvent, type InputHTMLAttributes, type ReactNode } from "react";

/**
 * Form fields on Carbon's inputs (issue 17 item 10). Each field sits in a `.field` wrapper named
 * by `data-field`, and its help and its error keep the `help` / `error` classes inside Carbon's
 * helper text and form requirement: the field's message is found at the field, by people (it is
 * tied to the input with aria-describedby, and `aria-invalid` marks the input) and by tests.
 */

/** Carbon's helper / invalid props plus the ARIA Carbon's TextInput leaves to its caller. */
export function carbonMessages(id: string, help: ReactNode, error: string | undefined) {
  const hasHelp = help !== undefined && help !== null && help !== false && help !== "";
  return {
    helperText: hasHelp ? <span className="help">{help}</span> : undefined,
    invalid: Boolean(error),
    invalidText: error ? (
      <span className="error" role="alert">
        {error}
      </span>
    ) : undefined,
    "aria-invalid": error ? true : undefined,
    // Carbon names these ids; it shows the error instead of the help while the field is invalid.
    "aria-describedby": error ? `${id}-error-msg` : hasHelp ? `${id}-helper-text` : undefined,
  } as const;
}

/**
 * The field's name as its label. The required mark is drawn by CSS: the label's text stays the
 * field's name (people and tests find the field by it), and aria-required says it.
 */
export function fieldLabel(label: ReactNode, required?: boolean): ReactNode {
  return required ? <span className="required-label">{label}</span> : label;
}

/** The wrapper every form field shares: `data-field` names it (see the module comment). */
export function FieldBox(props: { name: string; error?: string; children: ReactNode }) {
  return (
    <div className={`field${props.error ? " field-invalid" : ""}`} data-field={props.name}>
      {props.children}
    </div>
  );
}

/**
 * A labelled control that is not one of Carbon's inputs (our Combobox), laid out as Carbon lays
 * out a form item: label, control, then the help or the error, tied to it with aria-describedby
 * (see describedBy).
 */
export function FieldShell(props: { id: string; label: ReactNode; help?: ReactNode; error?: string; required?: boolean; children: ReactNode; name: string }) {
  return (
    <FieldBox name={props.name} error={props.error}>
      <div className="cds--form-item">
        <label htmlFor={props.id} className="cds--label">
          {fieldLabel(props.label, props.required)}
        </label>
        {props.children}
        {props.error ? (
          <p className="error field-message" id={`${props.id}-error`} role="alert">
            {props.error}
          </p>
        ) : (
          props.help && (
            <p className="help cds--form__helper-text" id={`${props.id}-help`}>
              {props.help}
            </p>
          )
        )}
      </div>
    </FieldBox>
  );
}

/** The ids FieldShell gives its help and its error (only the error while there is one). */
export function describedBy(id: string, help: unknown, error: unknown): string | undefined {
  return error ? `${id}-error` : help ? `${id}-help` : undefined;
}

type TextFieldProps = {
  label: string;
  name: string;
  value: string;
  onValue(value: string): void;
  help?: ReactNode;
  error?: string;
  required?: boolean;
  /** A secret: Carbon's PasswordInput, with its show/hide button. */
  secret?: boolean;
} & Pick<InputHTMLAttributes<HTMLInputElement>, "onBlur" | "placeholder" | "autoComplete" | "spellCheck" | "readOnly" | "disabled" | "maxLength">;

/** One line of text (Carbon TextInput), or a secret (Carbon PasswordInput). */
export function TextField(props: TextFieldProps) {
  const { label, name, value, onValue, help, error, required, secret, ...rest } = props;
  const id = useId();
  const common = {
    id,
    name,
    labelText: fieldLabel(label, required),
    value,
    onChange: (e: ChangeEvent<HTMLInputElement>) => onValue(e.target.value),
    // Not `required`: the console checks the fields itself and names the problem at the field.
    "aria-required": required || undefined,
    ...carbonMessages(id, help, error),
  };
  return <FieldBox name={name} error={error}>{secret ? <PasswordInput {...common} {...rest} /> : <TextInput {...common} {...rest} />}</FieldBox>;
}

/** Several lines of text (Carbon TextArea), e.g. a PEM certificate. */
export function TextAreaField(props: { label: ReactNode; name: string; value: string; onValue(value: string): void; help?: ReactNode; error?: string; required?: boolean; placeholder?: string; onBlur?(): void; id?: string }) {
  const fallback = useId();
  const id = props.id ?? fallback;
  const { helperText, invalid, invalidText } = carbonMessages(id, props.help, props.error);
  return (
    <FieldBox name={props.name} error={props.error}>
      <TextArea
        id={id}
        name={props.name}
        labelText={fieldLabel(props.label, props.required)}
        rows={4}
        spellCheck={false}
        value={props.value}
        placeholder={props.placeholder}
        onChange={(e) => props.onValue(e.target.value)}
        onBlur={props.onBlur}
        aria-required={props.required || undefined}
        helperText={helperText}
        invalid={invalid}
        invalidText={invalidText}
      />
    </FieldBox>
  );
}
