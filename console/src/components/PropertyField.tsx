import { useId, useState } from "react";
import type { Field, FormValue } from "../forms/descriptors.ts";
import { base64ByteLength } from "../forms/buffer-shim.ts";
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

/** One connection property, rendered from its descriptor. */
export function PropertyField(props: { field: Field; value: FormValue; error?: string; onValue(value: FormValue): void; onBlur?(): void }) {
  const { field, value, onValue, onBlur } = props;
  const id = useId();
  const [fileNote, setFileNote] = useState<string>();
  // A file refused before reading (too large) is this field's own message, ahead of "required".
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
      {fileNote && ` ${fileNote}`}
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

  if (field.readOnly) {
    const shown = field.secret ? (field.current === undefined ? "" : "set") : (field.current ?? "");
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
      control = (
        <input
          {...common}
          type="file"
          accept={field.accept}
          onChange={async (e) => {
            const file = e.target.files?.[0];
            setFileNote(undefined);
            setFileError(undefined);
            if (!file) return onValue("");
            // Refuse a too-large file before reading it; the SDK rule repeats the check on the content.
            if (field.maxBytes !== undefined && file.size > field.maxBytes) {
              e.target.value = "";
              setFileError(`${field.label} must be at most ${field.maxBytes} bytes (this file has ${file.size})`);
              return onValue("");
            }
            const base64 = await readAsBase64(file);
            setFileNote(`${file.name}, ${base64ByteLength(base64)} bytes.`);
            onValue(base64);
          }}
        />
      );
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

async function readAsBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
