import type { Field, FormValues } from "./descriptors.ts";

/**
 * What the browser can tell from a chosen file before anything is sent: whether it has the shape
 * its property needs, and the derived properties it implies (so the person sees, for example, the
 * project a key file belongs to before testing). The connector checks the file fully again; this
 * is only the shape a person could get wrong by choosing the wrong file. The file's secret parts
 * are never copied into a reading, so nothing here can put them on the page.
 */
export interface FileReading {
  /** Each problem in words, naming the part of the file at fault; empty when the file fits. */
  problems: string[];
  /** Derived property values by wire name. */
  derived: Record<string, string>;
}

type Reader = (text: string) => FileReading;

/** Google's service-account JSON key: the fields the connector reads, and the two it derives. */
function readServiceAccountKey(content: string): FileReading {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return { problems: ["the file is not valid JSON"], derived: {} };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { problems: ["the file must hold a JSON object"], derived: {} };
  const key = parsed as Record<string, unknown>;
  const problems: string[] = [];
  const textOf = (field: string): string | undefined => {
    const value = key[field];
    if (typeof value === "string" && value !== "") return value;
    problems.push(value === undefined || value === null || value === "" ? `"${field}" is missing` : `"${field}" must be a string`);
    return undefined;
  };
  const type = textOf("type");
  if (type !== undefined && type !== "service_account") problems.push(`"type" must be "service_account": this is not a service account's key`);
  const project = textOf("project_id");
  const privateKeyId = textOf("private_key_id");
  textOf("private_key");
  textOf("client_email");
  if (problems.length > 0) return { problems, derived: {} };
  return { problems, derived: { google_project_id: project!, google_private_key_id: privateKeyId! } };
}

/** Readers by property wire name; a file property without one is sent as chosen. */
const READERS: Record<string, Reader> = {
  google_credentials: readServiceAccountKey,
};

export function readFileProperty(property: string, text: string): FileReading | undefined {
  return READERS[property]?.(text);
}

/** The derived values the form's chosen files imply, by wire name (shown in place of "computed later"). */
export function derivedFromFiles(fields: readonly Field[], values: FormValues): Record<string, string> {
  const derived: Record<string, string> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (field.kind !== "file" || typeof value !== "string" || value === "") continue;
    const reading = readFileProperty(field.name, decodeBase64Text(value));
    if (reading) Object.assign(derived, reading.derived);
  }
  return derived;
}

export function decodeBase64Text(base64: string): string {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
  } catch {
    return "";
  }
}

export function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
