import { FileUploaderDropContainer } from "@carbon/react";
import { useId, useState, type ReactNode } from "react";
import type { Field, FormValue } from "../forms/descriptors.ts";
import { encodeBase64, readFileProperty } from "../forms/key-files.ts";
import { FieldBox, fieldLabel } from "./TextField.tsx";

/** "4 KB (4096 bytes)": a limit as people say it, and exactly. */
function sizeLimit(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KB (${bytes} bytes)` : `${bytes} bytes`;
}

/**
 * A key file property (e.g. Google's service-account JSON key) on Carbon's drop container: drop
 * the file or click to choose it. A chosen file is checked here before it is read (its name's
 * suffix, its size) and after (its shape, when the console knows one), each refusal this field's
 * own message; a refused file is not kept. Only its base64 goes into the form: its content is
 * never put on the page.
 */
export function KeyFileField(props: { field: Field; value: FormValue; error?: string; label: ReactNode; help: ReactNode; onValue(value: FormValue): void; onBlur?(): void }) {
  const { field, onValue } = props;
  const id = useId();
  const [fileNote, setFileNote] = useState<string>();
  // A refused file (its name, size or shape) is this field's own message, ahead of "required".
  const [fileError, setFileError] = useState<string>();
  const error = fileError ?? props.error;

  const choose = async (file: File | undefined) => {
    setFileNote(undefined);
    setFileError(undefined);
    if (!file) return onValue("");
    const refuse = (message: string) => {
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

  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  return (
    <FieldBox name={field.name} error={error}>
      <div className="cds--form-item">
        {/* The field's own name labels the file input (Carbon's drop container labels it with its prompt too). */}
        <label htmlFor={id} className="cds--label">
          {fieldLabel(props.label, field.required)}
        </label>
        <FileUploaderDropContainer
          id={id}
          name={field.name}
          // The picker offers these files; a dropped or chosen file of another type is refused with a reason
          // (the raw files are read below, not Carbon's filtered `addedFiles`, which would drop it silently).
          accept={field.accept?.split(",").filter(Boolean) ?? []}
          labelText={`Drop the ${field.label} here or click to choose it`}
          aria-describedby={error ? errorId : helpId}
          aria-invalid={error ? true : undefined}
          onBlur={props.onBlur}
          onAddFiles={(event) => {
            // A drop brings its files; a choice from the picker leaves them in the file input.
            const dropped = (event as { dataTransfer?: DataTransfer }).dataTransfer;
            const files = dropped ? dropped.files : (event.target as HTMLInputElement).files;
            void choose(files?.[0] ?? undefined);
          }}
        />
        <p className="help cds--form__helper-text" id={helpId}>
          {props.help}
          {fileNote ? ` ${fileNote}` : props.value !== "" && " A file is loaded; choose another to replace it."}
        </p>
        {error && (
          <p className="error field-message" id={errorId} role="alert">
            {error}
          </p>
        )}
      </div>
    </FieldBox>
  );
}
