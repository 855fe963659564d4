import type { ConnectorDefinition, PropertyValues } from "@uko/connector-sdk";
import type { ConnectorRegistry } from "../connectors/registry.js";
import type { IssueCollector } from "../validation.js";
import { parseNamingScheme, schemeProblemForType } from "./naming-scheme.js";
import { checkOptions, keystoreGroup, type GivenOption, type KeyAlgorithm } from "./rules.js";

/**
 * A template's targets: each says "every keystore of this type in this group of the template's
 * vault", with that type's template options. UKO's v4 API calls them `keystores`; here they are
 * `targets`, since `keystores` everywhere else in the API are connected Keystore resources.
 */

/** A template sends its keys to at most this many (type, group) pairs. */
export const MAX_TARGETS = 8;

export interface TargetInput {
  keystoreType: string;
  keystoreGroup: string;
  options?: readonly GivenOption[] | null;
}

/** A checked target, ready to store: the options converted, defaults applied on create. */
export interface CheckedTarget {
  keystoreType: string;
  keystoreGroup: string;
  options: PropertyValues;
}

/** A stored target as read from the database (options as JSON text). */
export interface StoredTarget {
  position: number;
  keystoreType: string;
  keystoreGroup: string;
  options: string;
}

const label = (t: { keystoreType: string; keystoreGroup: string }) => `${t.keystoreType} keystores in group "${t.keystoreGroup}"`;

/** The number of targets: 1 to MAX_TARGETS. */
export function checkTargetCount(v: IssueCollector, count: number, path: string[]): boolean {
  if (count >= 1 && count <= MAX_TARGETS) return true;
  v.add({
    path,
    message: count < 1 ? "A template needs at least one target (a keystore type and group)" : `A template has at most ${MAX_TARGETS} targets; ${count} were given`,
    code: count < 1 ? "TOO_SMALL" : "TOO_BIG",
  });
  return false;
}

/** Reports a (type, group) pair given twice, at the later element's group. */
export function checkDistinctTargets(v: IssueCollector, targets: readonly { keystoreType: string; keystoreGroup: string }[], path: string[]): void {
  const seen = new Map<string, number>();
  targets.forEach((t, index) => {
    const pair = `${t.keystoreType}\u0000${t.keystoreGroup}`;
    const first = seen.get(pair);
    if (first === undefined) {
      seen.set(pair, index);
      return;
    }
    v.add({ path: [...path, String(index), "keystoreGroup"], message: `Target ${first + 1} already sends keys to ${label(t)}; each (type, group) pair once`, code: "DUPLICATE" });
  });
}

/**
 * Whether keystores of the target's type can hold keys of this algorithm and size, from what the
 * connector declares (capabilities.algorithms). Reported at the target's type, naming the target.
 */
export function checkTargetHolds(v: IssueCollector, connector: ConnectorDefinition, target: { keystoreGroup: string }, key: { algorithm: KeyAlgorithm; size: string }, path: string[]): void {
  const accepted = connector.capabilities.algorithms;
  const list = accepted.map((a) => `${a.algorithm.toUpperCase()} ${a.sizes.join("/")}`).join("; ");
  const entry = accepted.find((a) => a.algorithm === key.algorithm.toLowerCase());
  const where = `Target ${label({ keystoreType: connector.type, keystoreGroup: target.keystoreGroup })}`;
  if (!entry) {
    v.add({ path, message: `${where}: ${connector.type} keystores cannot hold ${key.algorithm} keys; they hold: ${list || "none"}`, code: "UNSUPPORTED_ALGORITHM" });
  } else if (!entry.sizes.includes(key.size)) {
    v.add({ path, message: `${where}: ${connector.type} keystores hold ${key.algorithm} keys of size ${entry.sizes.join(", ")} only (all they hold: ${list})`, code: "UNSUPPORTED_SIZE" });
  }
}

/**
 * Parses the naming scheme and checks its fixed text against the key-name rules of every target
 * type (each type once): a key gets one name in all its keystores, so it must fit them all.
 */
export function checkNamingSchemeForTypes(v: IssueCollector, scheme: string, connectors: readonly ConnectorDefinition[], path: string[]): void {
  const parsed = parseNamingScheme(scheme);
  if (!parsed.ok) {
    for (const issue of parsed.issues) v.add({ path, message: issue.message, code: issue.code });
    return;
  }
  const seen = new Set<string>();
  for (const connector of connectors) {
    if (seen.has(connector.type) || !connector.keyNaming) continue;
    seen.add(connector.type);
    const problem = schemeProblemForType(parsed, connector.keyNaming);
    if (problem) v.add({ path, message: `For the ${connector.type} target: ${problem}`, code: "KEY_NAME_RULES" });
  }
}

/** The loaded connector of a target's type, or an issue at its keystoreType naming the loaded ones. */
export function targetConnector(v: IssueCollector, registry: ConnectorRegistry, type: string, path: string[]): ConnectorDefinition | undefined {
  const connector = registry.get(type)?.definition;
  if (!connector) {
    const loaded = registry.all().map((c) => c.definition.type).join(", ");
    v.add({ path, message: `No connector for keystore type "${type}" is loaded (loaded: ${loaded || "none"})`, code: "UNKNOWN_KEYSTORE_TYPE" });
  }
  return connector;
}

/**
 * Checks the targets of a new template: their number, each one's type, group and options, that
 * no (type, group) pair repeats, and (when the key's algorithm and size are valid) that every type
 * can hold the key. Returns the checked targets, or undefined when any issue was reported.
 */
export function checkNewTargets(
  v: IssueCollector,
  registry: ConnectorRegistry,
  given: readonly TargetInput[],
  key: { algorithm: KeyAlgorithm; size: string } | undefined,
  path: string[],
): CheckedTarget[] | undefined {
  const before = v.issues.length;
  if (!checkTargetCount(v, given.length, path)) return undefined;
  const targets: CheckedTarget[] = [];
  given.forEach((target, index) => {
    const at = (...p: string[]) => [...path, String(index), ...p];
    const group = v.check(keystoreGroup, target.keystoreGroup, at("keystoreGroup"));
    const connector = targetConnector(v, registry, target.keystoreType, at("keystoreType"));
    if (!connector) return;
    if (key) checkTargetHolds(v, connector, target, key, at("keystoreType"));
    const options = checkOptions(v, connector.templateOptions ?? [], target.options ?? [], at("options"), { partial: false });
    if (group !== undefined && options) targets.push({ keystoreType: connector.type, keystoreGroup: group, options });
  });
  checkDistinctTargets(v, given, path);
  return v.issues.length === before ? targets : undefined;
}

/**
 * Checks the new targets of an existing template. The list keeps its length and each element its
 * keystore type (UKO: the type is fixed at creation; groups and options are editable); options
 * not given keep their stored value. Returns the merged targets, or undefined on any issue.
 */
export function checkChangedTargets(
  v: IssueCollector,
  registry: ConnectorRegistry,
  current: readonly StoredTarget[],
  given: readonly TargetInput[],
  path: string[],
): CheckedTarget[] | undefined {
  const before = v.issues.length;
  if (given.length !== current.length) {
    v.add({
      path,
      message: `The template has ${current.length} target(s) (${current.map(label).join("; ")}); give all of them, in that order: the list of keystore types is fixed when the template is created (create another template to send keys elsewhere)`,
      code: "IMMUTABLE",
    });
    return undefined;
  }
  const merged: CheckedTarget[] = [];
  given.forEach((target, index) => {
    const now = current[index]!;
    const at = (...p: string[]) => [...path, String(index), ...p];
    if (target.keystoreType !== now.keystoreType) {
      v.add({ path: at("keystoreType"), message: `The keystore type of target ${index + 1} is fixed when the template is created (it is ${now.keystoreType}); create another template instead`, code: "IMMUTABLE" });
      return;
    }
    const group = v.check(keystoreGroup, target.keystoreGroup, at("keystoreGroup"));
    const stored = JSON.parse(now.options) as PropertyValues;
    let options: PropertyValues | undefined = stored;
    if (target.options != null && target.options.length > 0) {
      const connector = targetConnector(v, registry, now.keystoreType, at("keystoreType"));
      if (!connector) return;
      const changed = checkOptions(v, connector.templateOptions ?? [], target.options, at("options"), { partial: true });
      options = changed ? { ...stored, ...changed } : undefined;
    }
    if (group !== undefined && options) merged.push({ keystoreType: now.keystoreType, keystoreGroup: group, options });
  });
  checkDistinctTargets(v, given, path);
  return v.issues.length === before ? merged : undefined;
}

/** Whether two target lists send keys to the same places with the same options (order included). */
export function sameTargets(a: readonly CheckedTarget[], b: readonly StoredTarget[]): boolean {
  return (
    a.length === b.length &&
    a.every((t, i) => {
      const s = b[i]!;
      return t.keystoreType === s.keystoreType && t.keystoreGroup === s.keystoreGroup && sameValues(t.options, JSON.parse(s.options) as PropertyValues);
    })
  );
}

function sameValues(a: PropertyValues, b: PropertyValues): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}

/** Rows for the KeyTemplateTarget table, positions as given. */
export function targetRows(targets: readonly CheckedTarget[]) {
  return targets.map((t, position) => ({ position, keystoreType: t.keystoreType, keystoreGroup: t.keystoreGroup, options: JSON.stringify(t.options) }));
}
