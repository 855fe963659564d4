import type { KeyNamingRules } from "@uko/connector-sdk";

/**
 * A template's naming scheme: fixed text with `<placeholders>` that makes each key's name in its
 * keystores (reference/uko-api.md §5, DOC:uko-create-template). Everything here is pure, so the
 * managed-key engine can render names with exactly the rules templates were checked with.
 *
 * - A placeholder is `<name>`, 1 to 20 characters between the brackets.
 * - System placeholders are filled from the key's creation date (UTC): `<yyyy>` the year,
 *   `<yy>` its last two digits, `<mm>` the month 01–12. A key named with one is not rotatable in UKO.
 * - Any other placeholder of letters and digits is custom: the person creating a key gives its
 *   value, at least 2 letters, digits or spaces.
 * - UKO's EKMF placeholders (last active year/month, sequence number, hierarchy, key type,
 *   institution id, with their aliases) are refused by name: they need data this gateway does not
 *   keep, and taking them as custom placeholders would silently change what they mean.
 * - A `<` without its `>`, a `>` without its `<`, or a `<` inside a placeholder is refused.
 */

export type SystemPlaceholder = "yyyy" | "yy" | "mm";

export type NamingSchemePart =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "system"; readonly name: SystemPlaceholder }
  | { readonly kind: "custom"; readonly name: string };

export interface NamingSchemeIssue {
  readonly code: string;
  readonly message: string;
}

export type ParsedNamingScheme =
  | {
      readonly ok: true;
      readonly parts: readonly NamingSchemePart[];
      /** Each custom placeholder once, in order of first use. */
      readonly customPlaceholders: readonly string[];
      readonly usesSystemPlaceholders: boolean;
    }
  | { readonly ok: false; readonly issues: readonly NamingSchemeIssue[] };

export interface RenderIssue {
  /** The custom placeholder whose value is missing or bad; absent for a problem with the scheme. */
  readonly placeholder?: string;
  readonly code: string;
  readonly message: string;
}

export type RenderedKeyName = { readonly ok: true; readonly name: string } | { readonly ok: false; readonly issues: readonly RenderIssue[] };

export const MAX_NAMING_SCHEME_LENGTH = 200;
export const MAX_PLACEHOLDER_LENGTH = 20;
/** A custom placeholder's value: at least 2 letters, digits or spaces (UKO). */
export const CUSTOM_VALUE = /^[A-Za-z0-9 ]{2,}$/;
const CUSTOM_NAME = /^[A-Za-z0-9]+$/;

const SYSTEM: readonly SystemPlaceholder[] = ["yyyy", "yy", "mm"];

/** EKMF-only placeholders (lower-cased), with what they are, for the refusal message. */
const UNSUPPORTED: ReadonlyMap<string, string> = new Map([
  ...["lastactiveyear", "lay", "lay/yyyy", "lay/4", "lastactiveyear/yy", "lay/2", "lay/yy"].map((n) => [n, "the last active year"] as const),
  ...["lastactivemonth", "lam"].map((n) => [n, "the last active month"] as const),
  ...["sequencenumber", "seqno", "sqn"].map((n) => [n, "a sequence number"] as const),
  ...["hierarchy", "h", "hier"].map((n) => [n, "the key hierarchy"] as const),
  ...["keytype", "kt"].map((n) => [n, "the key type"] as const),
  ...["institutionid", "iid"].map((n) => [n, "the institution id"] as const),
]);

/** Splits a scheme into fixed text and placeholders, or says everything that is wrong with it. */
export function parseNamingScheme(scheme: string): ParsedNamingScheme {
  const issues: NamingSchemeIssue[] = [];
  const parts: NamingSchemePart[] = [];
  if (scheme.length === 0) issues.push({ code: "REQUIRED", message: "The naming scheme must not be empty" });
  if (scheme.length > MAX_NAMING_SCHEME_LENGTH) {
    issues.push({ code: "TOO_LONG", message: `The naming scheme must be at most ${MAX_NAMING_SCHEME_LENGTH} characters` });
  }

  let text = "";
  let i = 0;
  while (i < scheme.length) {
    const c = scheme[i]!;
    if (c === ">") {
      issues.push({ code: "SYNTAX", message: `">" at position ${i + 1} closes no placeholder; placeholders are written <name>` });
      i++;
      continue;
    }
    if (c !== "<") {
      text += c;
      i++;
      continue;
    }
    const close = scheme.indexOf(">", i + 1);
    const nextOpen = scheme.indexOf("<", i + 1);
    if (close === -1 || (nextOpen !== -1 && nextOpen < close)) {
      issues.push({ code: "SYNTAX", message: `"<" at position ${i + 1} is not closed by ">"` });
      // Go on after the bad "<" so later placeholders are still checked.
      i++;
      continue;
    }
    if (text) parts.push({ kind: "text", text });
    text = "";
    const name = scheme.slice(i + 1, close);
    const part = placeholder(name, issues);
    if (part) parts.push(part);
    i = close + 1;
  }
  if (text) parts.push({ kind: "text", text });

  if (issues.length > 0) return { ok: false, issues };
  const customPlaceholders = [...new Set(parts.flatMap((p) => (p.kind === "custom" ? [p.name] : [])))];
  return { ok: true, parts, customPlaceholders, usesSystemPlaceholders: parts.some((p) => p.kind === "system") };
}

function placeholder(name: string, issues: NamingSchemeIssue[]): NamingSchemePart | undefined {
  if (name.length === 0) {
    issues.push({ code: "SYNTAX", message: "<> is an empty placeholder; a placeholder has 1 to 20 characters" });
    return undefined;
  }
  if (name.length > MAX_PLACEHOLDER_LENGTH) {
    issues.push({ code: "TOO_LONG", message: `Placeholder <${name}> is longer than ${MAX_PLACEHOLDER_LENGTH} characters` });
    return undefined;
  }
  if ((SYSTEM as readonly string[]).includes(name)) return { kind: "system", name: name as SystemPlaceholder };
  const lower = name.toLowerCase();
  const unsupported = UNSUPPORTED.get(lower);
  if (unsupported) {
    issues.push({ code: "UNSUPPORTED_PLACEHOLDER", message: `<${name}> (${unsupported}) is a UKO placeholder this gateway does not support` });
    return undefined;
  }
  if (!CUSTOM_NAME.test(name)) {
    issues.push({ code: "PATTERN", message: `Placeholder <${name}> may contain only letters and digits (system placeholders: <yyyy>, <yy>, <mm>)` });
    return undefined;
  }
  if ((SYSTEM as readonly string[]).includes(lower)) {
    // <YYYY> or <Mm> would otherwise become a custom placeholder that looks like a date.
    issues.push({ code: "SYNTAX", message: `<${name}> is not a placeholder; system placeholders are lower case: <${lower}>` });
    return undefined;
  }
  return { kind: "custom", name };
}

/**
 * The key name a scheme gives with these custom values, on this date (UTC). Reports each
 * missing, bad or unknown value; it does not check the keystore type's rules (`keyNameProblem`).
 */
export function renderKeyName(scheme: string, values: Readonly<Record<string, string>>, now: Date): RenderedKeyName {
  const parsed = parseNamingScheme(scheme);
  if (!parsed.ok) return { ok: false, issues: parsed.issues.map((i) => ({ code: i.code, message: `The template's naming scheme is not valid: ${i.message}` })) };
  const issues: RenderIssue[] = [];
  for (const name of parsed.customPlaceholders) {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (value === undefined || value === "") {
      issues.push({ placeholder: name, code: "REQUIRED", message: `The naming scheme needs a value for <${name}>` });
    } else if (!CUSTOM_VALUE.test(value)) {
      issues.push({ placeholder: name, code: "PATTERN", message: `The value for <${name}> must be at least 2 letters, digits or spaces` });
    }
  }
  for (const name of Object.keys(values)) {
    if (!parsed.customPlaceholders.includes(name)) {
      issues.push({ placeholder: name, code: "UNKNOWN", message: `The naming scheme has no placeholder <${name}>` });
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, name: join(parsed.parts, (name) => values[name]!, now) };
}

function join(parts: readonly NamingSchemePart[], custom: (name: string) => string, now: Date): string {
  return parts
    .map((p) => {
      if (p.kind === "text") return p.text;
      if (p.kind === "custom") return custom(p.name);
      const year = String(now.getUTCFullYear()).padStart(4, "0");
      return p.name === "yyyy" ? year : p.name === "yy" ? year.slice(-2) : String(now.getUTCMonth() + 1).padStart(2, "0");
    })
    .join("");
}

/** What is wrong with a key name under a keystore type's rules, or undefined when it is fine. */
export function keyNameProblem(name: string, rules: KeyNamingRules): string | undefined {
  const length = [...name].length;
  if (length < rules.minLength) return `The key name "${name}" is shorter than ${rules.minLength} characters`;
  if (length > rules.maxLength) return `The key name is ${length} characters long; at most ${rules.maxLength} are allowed`;
  if (!new RegExp(`^(?:${rules.pattern})$`, "u").test(name)) return `The key name "${name}" is not allowed: ${rules.patternMessage}`;
  const lower = name.toLowerCase();
  const prefix = rules.reservedPrefixes?.find((p) => lower.startsWith(p.toLowerCase()));
  if (prefix !== undefined) return `The key name "${name}" must not start with "${prefix}" (reserved)`;
  return undefined;
}

/** The value each custom placeholder takes when a scheme is checked against a keystore type. */
export const SAMPLE_CUSTOM_VALUE = "ab";

/**
 * Whether a valid scheme's fixed text can make a name the keystore type accepts. The scheme is
 * rendered with the shortest custom values UKO allows (two letters, which every type's pattern
 * takes; the first one lengthened when the type wants a longer name) and a date, and the result
 * must pass `keyNameProblem`. Returns the problem, or undefined.
 */
export function schemeProblemForType(parsed: Extract<ParsedNamingScheme, { ok: true }>, rules: KeyNamingRules): string | undefined {
  const date = new Date(Date.UTC(2030, 10, 15));
  const shortest = join(parsed.parts, () => SAMPLE_CUSTOM_VALUE, date);
  const first = parsed.customPlaceholders[0];
  const deficit = rules.minLength - [...shortest].length;
  const sample =
    first !== undefined && deficit > 0
      ? join(parsed.parts, (name) => (name === first ? SAMPLE_CUSTOM_VALUE + "a".repeat(deficit) : SAMPLE_CUSTOM_VALUE), date)
      : shortest;
  const problem = keyNameProblem(sample, rules);
  if (!problem) return undefined;
  const example = first !== undefined ? ` (tried with the value "${SAMPLE_CUSTOM_VALUE}" for each placeholder: "${sample}")` : "";
  return `This naming scheme cannot make a key name this keystore type accepts${example}: ${problem.charAt(0).toLowerCase()}${problem.slice(1).replace(/\.$/, "")}`;
}
