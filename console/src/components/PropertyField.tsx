import { useId, useState } from "react";
import type { Field, FormValue } from "../forms/descriptors.ts";
import { encodeBase64, readFileProperty } from "../forms/key-files.ts";
import { Combobox } from "./Combobox.tsx";
import { describedBy, FieldShell } from "./TextField.tsx";

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
 * Up to this many choices a native <select> shows them all at a glance and is the quickest to use;
 * longer enums (regions, locations) get a Combobox, where typing a few letters finds the value.
 */
const MAX_NATIVE_SELECT_OPTIONS = 10;

/** "4 KB (4096 bytes)": a limit as people say it, and exactly. */
function sizeLimit(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KB (${bytes} bytes)` : `${bytes} bytes`;
}

/**
 * One connection property, rendered from its descriptor. `preview` is a derived property's value
 * as the form's chosen files imply it (see key-files.ts), shown before the connector computes it.
 */
export function PropertyField(props: { field: Field; value: FormValue; error?: string; preview?: string; onValue(value: FormValue): void; onBlur?(): void }) {
  const { field, value, onValue, onBlur } = props;
  const id = useId();
  const [fileNote, setFileNote] = useState<string>();
  // A refused file (its name, size or shape) is this field's own message, ahead of "required".
  const [fileError, setFileError] = useState<string>();
  const error = fileError ?? props.error;
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
      {field.kind === "file" && (fileNote ? ` ${fileNote}` : value !== "" && " A file is loaded; choose another to replace it.")}
    </>
  );
  const common = {
    id,
    name: field.name,
    "aria-invalid": error ? true : undefined,
    "aria-required": field.required || undefined,
    "aria-describedby": describedBy(id, help, error),
    onBlur,
  };
  const required = field.required && !field.readOnly;

  /**
   * A chosen file is checked here before it is read (its name's suffix, its size) and after (its
   * shape, when the console knows one), each refusal this field's own message; a refused file is
   * not kept. Only its base64 goes into the form: its content is never put on the page.
   */
  const choose = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    setFileNote(undefined);
    setFileError(undefined);
    if (!file) return onValue("");
    const refuse = (message: string) => {
      input.value = "";
      setFileError(message);
      onValue("");
    };
    const suffixes = field.accept?.split(",").filter(Boolean) ?? [];
    if (suffixes.length > 0 && !suffixes.some((s) => file.name.toLowerCase().endsWith(s.toLowerCase()))) {
      return refuse(`${field.label} must be a file whose name ends in ${suffixes.join(" or ")} ("${file.name}" does not)`);
    }
    if (field.maxBytes !== undefined && file.size > field.maxBytes) {
      return refuse(`${field.label} must be at most ${sizeLimit(field.maxBytes)}; this file has ${file.size} bytes`);
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const reading = readFileProperty(field.name, new TextDecoder().decode(bytes));
    if (reading && reading.problems.length > 0) return refuse(`${field.label} cannot be used: ${reading.problems.join("; ")}`);
    setFileNote(`Loaded ${file.name} (${bytes.length} bytes).`);
    onValue(encodeBase64(bytes));
  };

  if (field.readOnly) {
    const shown = field.secret ? (field.current === undefined ? "" : "set") : (props.preview ?? field.current ?? "");
    return (
      <FieldShell id={id} name={field.name} label={label} help={help} error={error}>
        <input {...common} value={shown} readOnly placeholder={field.placeholder} className="read-only" />
      </FieldShell>
    );
  }

  let control;
  switch (field.kind) {
    case "checkbox":
      control = <input {...common} type="checkbox" checked={value === true} onChange={(e) => onValue(e.target.checked)} />;
      break;
    case "select":
      if ((field.options?.length ?? 0) > MAX_NATIVE_SELECT_OPTIONS) {
        // An optional enum can be emptied again by choosing "(none)"; a required one starts empty.
        const options = (field.required ? [] : [{ value: "", label: "(none)" }]).concat((field.options ?? []).map((o) => ({ value: o, label: o })));
        control = (
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
            describedBy={common["aria-describedby"]}
          />
        );
        break;
      }
      control = (
        <select {...common} value={String(value)} onChange={(e) => onValue(e.target.value)}>
          <option value="">{field.required ? "Choose…" : "(none)"}</option>
          {field.options?.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
      break;
    case "file":
      control = <input {...common} type="file" accept={field.accept} onChange={(e) => void choose(e.target)} />;
      break;
    case "textarea":
      control = <textarea {...common} rows={4} spellCheck={false} value={String(value)} placeholder={field.placeholder} onChange={(e) => onValue(e.target.value)} />;
      break;
    default:
      control = (
        <input
          {...common}
          type={field.kind === "password" ? "password" : field.kind === "number" ? "number" : "text"}
          autoComplete={field.kind === "password" ? "new-password" : "off"}
          spellCheck={false}
          min={field.minimum}
          max={field.maximum}
          placeholder={field.placeholder}
          value={String(value)}
          onChange={(e) => onValue(e.target.value)}
        />
      );
  }
  return (
    <FieldShell id={id} name={field.name} label={label} help={help} error={error} required={required}>
      {control}
    </FieldShell>
  );
}
