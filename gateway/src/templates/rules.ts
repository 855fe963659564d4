import { validateProperties, type PropertyDefinition, type PropertyValue, type PropertyValues } from "@uko/connector-sdk";
import { z } from "zod";
import type { IssueCollector } from "../validation.js";

/** UKO's rules for key templates (reference/uko-api.md §5). Pure: no database, no connector calls. */

export type KeyAlgorithm = "AES" | "RSA" | "EC" | "HMAC";
export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ["AES", "RSA", "EC", "HMAC"];
export type InitialState = "ACTIVE" | "PRE_ACTIVATION";

/** 1–30, a letter then letters, digits and `-` (the OpenAPI rule; one UKO doc page says 1–100). */
export const templateName = z
  .string()
  .min(1, "Template name must not be empty")
  .max(30, "Template name must be at most 30 characters")
  .regex(/^[A-Za-z][A-Za-z0-9-]*$/, "Template name must start with a letter and contain only letters, digits and -");

/** A size as UKO spells it ("256", "2048", "P-256"); whether the target types take it is checked apart (targets.ts). */
export const keySize = z
  .string()
  .min(1, "Key size must not be empty")
  .max(100, "Key size must be at most 100 characters")
  .regex(/^[A-Za-z0-9-]+$/, "Key size contains only letters, digits and -, e.g. 256 or P-256");

const PERIOD = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/;

/** An ISO 8601 period of years, months, weeks and days after the key's creation, e.g. P1Y6M. */
export const period = z
  .string()
  .max(100, "A period must be at most 100 characters")
  .regex(PERIOD, "A period is ISO 8601 years, months, weeks and days, e.g. P1Y, P6M, P2W3D")
  .refine((p) => p.length > 1, "A period needs at least one of years, months, weeks or days, e.g. P1Y");

/** A valid period as whole months (years are 12) plus days (weeks are 7), the way it is added to a date. */
export function periodParts(p: string): { months: number; days: number } {
  const [, y = "0", m = "0", w = "0", d = "0"] = PERIOD.exec(p)!;
  return { months: Number(y) * 12 + Number(m), days: Number(w) * 7 + Number(d) };
}

/**
 * Whether period `later` can end after period `earlier`, both counted from the same moment. A
 * month is 28 to 31 days, so only what cannot be later whatever the months is refused
 * (P12M is not after P1Y; P1M is after P30D in some months, so it is accepted).
 */
export function canEndAfter(later: string, earlier: string | null): boolean {
  const l = periodParts(later);
  const e = earlier == null ? { months: 0, days: 0 } : periodParts(earlier);
  const months = l.months - e.months;
  return Math.max(months * 31, months * 28) + (l.days - e.days) > 0;
}

/** Like a keystore's group names: a template's group must be one a keystore can be in. */
export const keystoreGroup = z
  .string()
  .min(2, "A group name must be at least 2 characters")
  .max(128, "A group name must be at most 128 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9_ -]+$/, "A group name must start with a letter or digit and contain only letters, digits, spaces, - and _");

/**
 * Checks the planned periods: the format of each one given, then that expiration comes after
 * activation whatever the month lengths. `given` holds what the input sets (undefined: kept,
 * null: cleared); `current` what is stored (nothing on create).
 */
export function checkPeriods(
  v: IssueCollector,
  given: { activation?: string | null; expiration?: string | null },
  current: { activation: string | null; expiration: string | null },
  paths: { activation: string[]; expiration: string[] },
): void {
  const valid = (value: string | null | undefined, path: string[]) => (value == null ? true : v.check(period, value, path) !== undefined);
  if (!valid(given.activation, paths.activation) || !valid(given.expiration, paths.expiration)) return;
  const a = given.activation !== undefined ? given.activation : current.activation;
  const e = given.expiration !== undefined ? given.expiration : current.expiration;
  if (e == null || canEndAfter(e, a)) return;
  v.add({
    path: given.expiration !== undefined ? paths.expiration : paths.activation,
    message: a == null ? "The expiration period must be longer than zero" : `The expiration period (${e}) must end after the activation period (${a})`,
    code: "OUT_OF_RANGE",
  });
}

/** A template option as given in GraphQL: its wire name and its value as text. */
export interface GivenOption {
  name: string;
  value: string;
}

/**
 * Converts options given as text by each option's value type, then validates them with the
 * connector's descriptors (the SDK's `validateProperties`, as for connection properties). Issues
 * are reported at the option's place in the list: `<path>.<index>.value` (or `.name`).
 */
export function checkOptions(
  v: IssueCollector,
  definitions: readonly PropertyDefinition[],
  given: readonly GivenOption[],
  path: string[],
  options: { partial: boolean },
): PropertyValues | undefined {
  const before = v.issues.length;
  const byName = new Map(definitions.map((d) => [d.name, d]));
  const indexOf = new Map<string, number>();
  const converted: Record<string, PropertyValue> = {};
  given.forEach((option, index) => {
    if (indexOf.has(option.name)) {
      v.add({ path: [...path, String(index), "name"], message: `Option ${option.name} is given more than once`, code: "DUPLICATE" });
      return;
    }
    indexOf.set(option.name, index);
    const def = byName.get(option.name);
    if (!def) {
      const known = definitions.map((d) => d.name).join(", ");
      v.add({ path: [...path, String(index), "name"], message: `"${option.name}" is not an option of this keystore type (its options: ${known || "none"})`, code: "UNKNOWN" });
      return;
    }
    const value = fromText(def, option.value);
    if (value === undefined) {
      v.add({ path: [...path, String(index), "value"], message: `${def.label} must be ${def.valueType === "integer" ? "a whole number" : "true or false"}`, code: "TYPE" });
      return;
    }
    converted[option.name] = value;
  });
  const result = validateProperties(definitions, converted, { partial: options.partial, applyDefaults: !options.partial });
  for (const issue of result.issues) {
    const index = indexOf.get(issue.property);
    v.add({ path: index === undefined ? path : [...path, String(index), "value"], message: issue.message, code: issue.code });
  }
  return v.issues.length === before ? result.values : undefined;
}

function fromText(def: PropertyDefinition, text: string): PropertyValue | undefined {
  if (def.valueType === "integer") return /^-?\d{1,15}$/.test(text.trim()) ? Number(text.trim()) : undefined;
  if (def.valueType === "boolean") return text === "true" ? true : text === "false" ? false : undefined;
  return text;
}

/** Stored option values as GraphQL shows them, in the connector's declared order (unknown ones last). */
export function optionsAsText(definitions: readonly PropertyDefinition[] | undefined, values: PropertyValues): GivenOption[] {
  const order = (definitions ?? []).map((d) => d.name);
  const names = [...order.filter((n) => n in values), ...Object.keys(values).filter((n) => !order.includes(n))];
  return names.map((name) => ({ name, value: String(values[name]) }));
}
