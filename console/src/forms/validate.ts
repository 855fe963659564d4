import "./buffer-shim.ts";
import { validateProperties } from "@uko/connector-sdk/validate-properties";
import type { KeystoreProperty, KeystoreType } from "../api/types.ts";
import { toDefinition, toPropertyValues, type FormValues } from "./descriptors.ts";

/** Messages by field key; a field with no entry is fine. */
export type FieldErrors = Record<string, string>;

/**
 * The SDK's own rules (required, length, whole-value pattern, enum, range, file size) over the
 * form. Cross-property rules and normalisers are code in the connector, not data, so the API checks
 * those and its answer is shown at the field too (see issues.ts).
 */
export function validatePropertyForm(type: KeystoreType, values: FormValues, mode: "connect" | "edit" = "connect", stored: readonly KeystoreProperty[] = []): FieldErrors {
  const given = toPropertyValues(type, values, mode, stored);
  const definitions = type.properties.filter((d) => !(mode === "edit" && d.immutable)).map(toDefinition);
  const { issues } = validateProperties(definitions, given, { partial: mode === "edit" });
  const errors: FieldErrors = {};
  for (const issue of issues) errors[issue.property] ??= issue.message;
  return errors;
}

/** The keystore's own fields (name, description, groups), by the rules the API documents. */
export function validateGeneral(general: { name: string; description: string; groups: string }): FieldErrors {
  const errors: FieldErrors = {};
  const name = general.name.trim();
  if (name === "") errors.name = "Name is required";
  else if (name.length > 100) errors.name = "Name must be at most 100 characters";
  else if (!/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u.test(name)) errors.name = "Name must start with a letter or digit, then letters, digits, spaces, . - _";
  if (general.description.length > 200) errors.description = "Description must be at most 200 characters";
  const bad = parseGroups(general.groups).find((g) => g.length < 2 || g.length > 128);
  if (bad !== undefined) errors.groups = `Each group must be 2 to 128 characters ("${bad}" is not)`;
  return errors;
}

/** "prod, eu" -> ["prod", "eu"]: groups are typed as a comma-separated list. */
export function parseGroups(text: string): string[] {
  return text
    .split(",")
    .map((g) => g.trim())
    .filter((g) => g !== "");
}
