// Types only (erased at build): the SDK index also holds node:crypto code the browser must not load.
import type { PropertyDefinition, PropertyValue } from "@uko/connector-sdk";
import type { KeystoreProperty, KeystoreType, PropertyDescriptor } from "../api/types.ts";

/**
 * Turns a keystore type's property descriptors (from the API) into form fields, and form values
 * back into the API's input. Nothing here knows a keystore type: a connector added tomorrow gets
 * its form from its descriptors alone.
 */
export type InputKind = "text" | "textarea" | "password" | "number" | "checkbox" | "select" | "file";

/** What a form holds for one field: text as typed, a checkbox's state, or a file's base64. */
export type FormValue = string | boolean;
export type FormValues = Record<string, FormValue>;

export interface Field {
  /** Wire name (the key of form values and of validation messages). */
  name: string;
  graphqlName: string;
  label: string;
  description: string;
  kind: InputKind;
  required: boolean;
  secret: boolean;
  /** Locked after connect: marked in the wizard, read-only when editing. */
  locked: boolean;
  /** Not editable here: derived properties always; locked ones when editing. */
  readOnly: boolean;
  derived: boolean;
  identifying: boolean;
  /** Optional with no default: folded under "Advanced" until it holds a value or a message. */
  advanced: boolean;
  options?: string[];
  accept?: string;
  maxBytes?: number;
  minimum?: number;
  maximum?: number;
  /** Shown in the field when empty, e.g. that an empty secret keeps the stored one. */
  placeholder?: string;
  /** The value the keystore has now (edit mode), as text; secrets never have one. */
  current?: string | null;
}

const KINDS: Record<PropertyDescriptor["valueType"], InputKind> = {
  STRING: "text",
  INTEGER: "number",
  BOOLEAN: "checkbox",
  ENUM: "select",
  FILE: "file",
};

/** The SDK's definition for a descriptor, so the browser applies the very rules the API applies. */
export function toDefinition(d: PropertyDescriptor): PropertyDefinition {
  const optional = <T>(v: T | null): T | undefined => (v === null ? undefined : v);
  return {
    name: d.name,
    label: d.label,
    description: d.description,
    valueType: d.valueType.toLowerCase() as PropertyDefinition["valueType"],
    required: d.required,
    secret: d.secret,
    immutable: d.immutable,
    derived: d.derived,
    minLength: optional(d.minLength),
    maxLength: optional(d.maxLength),
    pattern: optional(d.pattern),
    patternMessage: optional(d.patternMessage),
    enumValues: optional(d.enumValues),
    accept: optional(d.accept),
    maxBytes: optional(d.maxBytes),
    minimum: optional(d.minimum),
    maximum: optional(d.maximum),
  };
}

/**
 * Text longer than any one-line value (a URL or name is at most a few thousand characters) is
 * multi-line text such as a PEM certificate chain; the descriptors have no other hint of it.
 */
export const MULTILINE_MIN_LENGTH = 8192;

function kindOf(d: PropertyDescriptor): InputKind {
  // A secret file is still chosen as a file; only secret text is typed into a password field.
  if (d.valueType === "FILE") return "file";
  if (d.secret) return "password";
  if (d.valueType === "STRING" && (d.maxLength ?? 0) >= MULTILINE_MIN_LENGTH) return "textarea";
  return KINDS[d.valueType];
}

/**
 * Properties a connection rarely needs (private endpoints, emulators, a private CA): optional,
 * without a default, not derived. Connectors declare no such flag; this is what they all mean by it.
 */
export function isAdvanced(d: PropertyDescriptor): boolean {
  return !d.required && !d.derived && d.default === null;
}

export function fieldsFor(type: KeystoreType, mode: "connect" | "edit", stored: readonly KeystoreProperty[] = []): Field[] {
  const byName = new Map(stored.map((p) => [p.name, p]));
  return type.properties.map((d) => {
    const current = byName.get(d.name);
    const kind = kindOf(d);
    const field: Field = {
      name: d.name,
      graphqlName: d.graphqlName,
      label: d.label,
      description: d.description,
      kind,
      required: d.required,
      secret: d.secret,
      locked: d.immutable,
      readOnly: d.derived || (mode === "edit" && d.immutable),
      derived: d.derived,
      identifying: d.identifying,
      advanced: isAdvanced(d),
      current: current ? current.value : undefined,
    };
    if (d.enumValues) field.options = d.enumValues;
    if (d.accept) field.accept = d.accept.join(",");
    if (d.maxBytes !== null) field.maxBytes = d.maxBytes;
    if (d.minimum !== null) field.minimum = d.minimum;
    if (d.maximum !== null) field.maximum = d.maximum;
    // Shown until the value is known: read from a chosen file (key-files.ts) or computed on connect.
    if (d.derived) field.placeholder = "Filled in from the other properties";
    else if (mode === "edit" && d.secret && current?.isSet) field.placeholder = "Set — leave empty to keep it";
    return field;
  });
}

/** The form's starting values: defaults when connecting, the stored values when editing. */
export function initialValues(type: KeystoreType, mode: "connect" | "edit", stored: readonly KeystoreProperty[] = []): FormValues {
  const values: FormValues = {};
  const byName = new Map(stored.map((p) => [p.name, p]));
  for (const d of type.properties) {
    if (mode === "edit") {
      const value = byName.get(d.name)?.value;
      if (d.valueType === "BOOLEAN") values[d.name] = value === "true";
      else values[d.name] = d.secret ? "" : (value ?? "");
    } else if (d.valueType === "BOOLEAN") {
      values[d.name] = d.default === "true";
    } else {
      values[d.name] = d.default ?? "";
    }
  }
  return values;
}

/**
 * Form values as typed property values, by wire name. Empty text means "not given"; derived
 * properties are never sent; when editing, unchanged values and empty secrets are left out, so the
 * API keeps what it has (and never sees a locked property).
 */
export function toPropertyValues(type: KeystoreType, values: FormValues, mode: "connect" | "edit" = "connect", stored: readonly KeystoreProperty[] = []): Record<string, PropertyValue> {
  const result: Record<string, PropertyValue> = {};
  const byName = new Map(stored.map((p) => [p.name, p]));
  for (const d of type.properties) {
    if (d.derived) continue;
    if (mode === "edit" && d.immutable) continue;
    const raw = values[d.name];
    if (raw === undefined || raw === "") continue;
    const value: PropertyValue = d.valueType === "INTEGER" && typeof raw === "string" && /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : raw;
    if (mode === "edit" && !d.secret && String(value) === (byName.get(d.name)?.value ?? "")) continue;
    result[d.name] = value;
  }
  return result;
}

/** `{ awsKms: { awsRegion: "…" } }`: the API's oneOf input for this type. */
export function propertiesInput(type: KeystoreType, values: Record<string, PropertyValue>): Record<string, Record<string, PropertyValue>> {
  const byWire = new Map(type.properties.map((d) => [d.name, d.graphqlName]));
  const member: Record<string, PropertyValue> = {};
  for (const [name, value] of Object.entries(values)) member[byWire.get(name) ?? name] = value;
  return { [type.propertiesInputField]: member };
}
