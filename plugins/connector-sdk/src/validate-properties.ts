import type { PropertyDefinition, PropertyValue, PropertyValues } from "./properties.js";

export interface PropertyIssue {
  /** Wire name of the property. */
  readonly property: string;
  readonly code: "REQUIRED" | "UNKNOWN" | "DERIVED" | "TYPE" | "TOO_SHORT" | "TOO_LONG" | "PATTERN" | "ENUM" | "RANGE" | "FILE" | "INVALID";
  readonly message: string;
}

export interface PropertyValidation {
  /** The given values, normalised, with defaults applied for absent optional properties when `applyDefaults`. */
  readonly values: PropertyValues;
  readonly issues: readonly PropertyIssue[];
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Validates user-supplied connection properties against a connector's descriptors. The same rules
 * serve the API and any form that renders the descriptors, so a person sees the same message in
 * both. With `partial` (an update), absent properties are not reported as missing.
 */
export function validateProperties(
  definitions: readonly PropertyDefinition[],
  given: Readonly<Record<string, PropertyValue | null | undefined>>,
  options: { partial?: boolean; applyDefaults?: boolean } = {},
): PropertyValidation {
  const issues: PropertyIssue[] = [];
  const values: PropertyValues = {};
  const byName = new Map(definitions.map((d) => [d.name, d]));

  for (const name of Object.keys(given)) {
    if (!byName.has(name)) issues.push({ property: name, code: "UNKNOWN", message: `"${name}" is not a property of this keystore type` });
  }
  for (const def of definitions) {
    const raw = given[def.name];
    if (raw === undefined || raw === null || raw === "") {
      if (def.derived) continue;
      if (def.required && !options.partial) {
        issues.push({ property: def.name, code: "REQUIRED", message: `${def.label} is required` });
      } else if (options.applyDefaults && def.default !== undefined) {
        values[def.name] = def.default;
      }
      continue;
    }
    if (def.derived) {
      issues.push({ property: def.name, code: "DERIVED", message: `${def.label} is computed by the connector and cannot be set` });
      continue;
    }
    const value = def.normalize ? def.normalize(raw) : raw;
    const problem = checkValue(def, value);
    if (problem) {
      issues.push({ property: def.name, ...problem });
      continue;
    }
    values[def.name] = value;
  }
  // Cross-property rules run only on values that passed their own checks.
  for (const def of definitions) {
    const value = values[def.name];
    if (value === undefined || !def.validate) continue;
    const message = def.validate(value, values);
    if (message) issues.push({ property: def.name, code: "INVALID", message });
  }
  return { values, issues };
}

function checkValue(def: PropertyDefinition, value: PropertyValue): Omit<PropertyIssue, "property"> | undefined {
  switch (def.valueType) {
    case "boolean":
      return typeof value === "boolean" ? undefined : { code: "TYPE", message: `${def.label} must be true or false` };
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) return { code: "TYPE", message: `${def.label} must be a whole number` };
      if ((def.minimum !== undefined && value < def.minimum) || (def.maximum !== undefined && value > def.maximum)) {
        return { code: "RANGE", message: `${def.label} must be between ${def.minimum ?? "-∞"} and ${def.maximum ?? "∞"}` };
      }
      return undefined;
    case "enum":
      if (typeof value !== "string" || !def.enumValues?.includes(value)) {
        return { code: "ENUM", message: `${def.label} must be one of: ${def.enumValues?.join(", ")}` };
      }
      return undefined;
    case "file":
      return checkFile(def, value);
    case "string":
      return checkString(def, value);
  }
}

function checkString(def: PropertyDefinition, value: PropertyValue): Omit<PropertyIssue, "property"> | undefined {
  if (typeof value !== "string") return { code: "TYPE", message: `${def.label} must be text` };
  const length = [...value].length;
  if (def.minLength !== undefined && length < def.minLength) {
    return { code: "TOO_SHORT", message: `${def.label} must be at least ${def.minLength} characters` };
  }
  if (def.maxLength !== undefined && length > def.maxLength) {
    return { code: "TOO_LONG", message: `${def.label} must be at most ${def.maxLength} characters` };
  }
  if (def.pattern !== undefined && !new RegExp(`^(?:${def.pattern})$`, "u").test(value)) {
    return { code: "PATTERN", message: def.patternMessage ?? `${def.label} has characters that are not allowed` };
  }
  return undefined;
}

function checkFile(def: PropertyDefinition, value: PropertyValue): Omit<PropertyIssue, "property"> | undefined {
  if (typeof value !== "string" || !BASE64.test(value)) return { code: "FILE", message: `${def.label} must be the file's content in base64` };
  const bytes = Buffer.byteLength(value, "base64");
  if (def.maxBytes !== undefined && bytes > def.maxBytes) {
    return { code: "FILE", message: `${def.label} must be at most ${def.maxBytes} bytes (this one has ${bytes})` };
  }
  return undefined;
}
