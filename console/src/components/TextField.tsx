import { useId, type InputHTMLAttributes, type ReactNode } from "react";

/**
 * A labelled input with its help text and its error, both tied to it with aria-describedby, so a
 * screen reader reads the message with the field and `aria-invalid` marks it.
 */
export function FieldShell(props: { id: string; label: ReactNode; help?: ReactNode; error?: string; required?: boolean; children: ReactNode; name: string }) {
  return (
    <div className={`field${props.error ? " field-invalid" : ""}`} data-field={props.name}>
      {/* The required mark is drawn by CSS: the label's text stays the field's name, and aria-required says it. */}
      <label htmlFor={props.id} className={props.required ? "required-label" : undefined}>
        {props.label}
      </label>
      {props.children}
      {props.help && (
        <p className="help" id={`${props.id}-help`}>
          {props.help}
        </p>
      )}
      {props.error && (
        <p className="error" id={`${props.id}-error`} role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}

export function describedBy(id: string, help: unknown, error: unknown): string | undefined {
  const ids = [help ? `${id}-help` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return ids || undefined;
}

export function TextField(
  props: { label: string; name: string; value: string; onValue(value: string): void; help?: ReactNode; error?: string; required?: boolean } & Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "name">,
) {
  const { label, name, value, onValue, help, error, required, ...rest } = props;
  const id = useId();
  return (
    <FieldShell id={id} name={name} label={label} help={help} error={error} required={required}>
      <input
        id={id}
        name={name}
        value={value}
        onChange={(e) => onValue(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-required={required || undefined}
        aria-describedby={describedBy(id, help, error)}
        {...rest}
      />
    </FieldShell>
  );
}
