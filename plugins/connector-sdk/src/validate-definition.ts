import { CONTRACT_VERSION, type ConnectorDefinition } from "./definition.js";
import { graphqlNameProblems } from "./graphql-names.js";
import { OPTIONAL_KEY_OPERATIONS } from "./key-operations.js";
import { priceModelProblems } from "./price-model.js";
import type { PropertyDefinition } from "./properties.js";

const TYPE_ID = /^[a-z][a-z0-9_]{1,39}$/;
const WIRE_NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const VALUE_TYPES = new Set(["string", "integer", "boolean", "enum", "file"]);
const ALGORITHMS = new Set(["aes", "rsa", "ec", "hmac"]);
const MAX_REPAIR_LABEL = 40;

/**
 * Checks a connector definition before the gateway registers it. Returns every problem found,
 * each naming the connector and the property, so an author can fix them all in one go.
 */
export function validateConnectorDefinition(candidate: unknown): string[] {
  if (typeof candidate !== "object" || candidate === null) {
    return ["the default export is not a connector definition (use defineConnector from @uko/connector-sdk)"];
  }
  const def = candidate as Partial<ConnectorDefinition>;
  const problems: string[] = [];
  const where = typeof def.type === "string" ? `connector "${def.type}"` : "connector";
  const add = (message: string) => problems.push(`${where}: ${message}`);

  if (def.contractVersion !== CONTRACT_VERSION) {
    add(`built for connector contract version ${String(def.contractVersion)}, this gateway speaks version ${CONTRACT_VERSION}`);
  }
  if (typeof def.type !== "string" || !TYPE_ID.test(def.type)) add("type must be a snake_case id of 2-40 characters, e.g. aws_kms");
  if (!nonEmpty(def.displayName)) add("displayName is missing");
  if (!nonEmpty(def.description)) add("description is missing");
  if (typeof def.connect !== "function") add("connect(properties, host) is missing");
  if (def.derive !== undefined && typeof def.derive !== "function") add("derive must be a function");

  const properties = Array.isArray(def.properties) ? def.properties : undefined;
  if (!properties) add("properties must be an array of property descriptors");
  const seen = new Set<string>();
  for (const p of properties ?? []) {
    problems.push(...validateProperty(where, p, seen));
  }
  if (typeof def.type === "string" && TYPE_ID.test(def.type)) {
    for (const problem of graphqlNameProblems(def.type, properties ?? [])) add(problem);
  }
  if (properties?.some((p: PropertyDefinition) => p.derived) && typeof def.derive !== "function") {
    add("declares derived properties but no derive(properties) function");
  }

  const identifying = Array.isArray(def.identifyingProperties) ? def.identifyingProperties : undefined;
  if (!identifying || identifying.length === 0) add("identifyingProperties must name at least one property");
  for (const name of identifying ?? []) {
    const p = properties?.find((q: PropertyDefinition) => q.name === name);
    if (!p) add(`identifying property "${name}" is not declared`);
    else if (!p.immutable) add(`identifying property "${name}" must be immutable`);
    else if (p.secret) add(`identifying property "${name}" cannot be secret`);
  }

  const fallback = def.identityFallbackProperties;
  if (fallback !== undefined && !Array.isArray(fallback)) add("identityFallbackProperties must be an array");
  for (const name of Array.isArray(fallback) ? fallback : []) {
    const p = properties?.find((q: PropertyDefinition) => q.name === name);
    if (!p) add(`identity fallback property "${name}" is not declared`);
    else if (p.secret) add(`identity fallback property "${name}" cannot be secret`);
    else if (!p.required) add(`identity fallback property "${name}" must be required`);
  }

  if (!Array.isArray(def.requiredPermissions)) add("requiredPermissions must be an array");
  for (const perm of def.requiredPermissions ?? []) {
    if (!nonEmpty(perm?.name) || !nonEmpty(perm?.description)) add("every required permission needs a name and a description");
  }
  const caps = def.capabilities;
  if (!caps || !Array.isArray(caps.algorithms) || !Array.isArray(caps.operations)) {
    add("capabilities must list algorithms and operations");
  } else {
    for (const op of caps.operations) {
      if (!OPTIONAL_KEY_OPERATIONS.includes(op)) add(`capability operation "${String(op)}" is not one of ${OPTIONAL_KEY_OPERATIONS.join(", ")}`);
    }
    if (caps.operations.includes("rotate") && def.rotation !== "new_version" && def.rotation !== "new_key") {
      add('declares the rotate operation, so rotation must be "new_version" or "new_key"');
    }
    if (caps.repair !== undefined) {
      const repair = caps.repair as Partial<NonNullable<typeof caps.repair>> | null;
      if (!nonEmpty(repair?.label) || repair.label.length > MAX_REPAIR_LABEL) add(`capabilities.repair needs a label of 1-${MAX_REPAIR_LABEL} characters (the console's button)`);
      if (!nonEmpty(repair?.description)) add("capabilities.repair needs a description of what the repair does");
    }
    for (const a of caps.algorithms) {
      if (!ALGORITHMS.has(a?.algorithm)) add(`capability algorithm "${String(a?.algorithm)}" is not one of aes, rsa, ec, hmac`);
      else if (!Array.isArray(a.sizes) || a.sizes.length === 0) add(`capability algorithm "${a.algorithm}" lists no sizes`);
    }
  }
  if (Array.isArray(caps?.algorithms) && caps.algorithms.length > 0) {
    const naming = def.keyNaming;
    if (!naming || typeof naming.pattern !== "string" || !nonEmpty(naming.patternMessage) || !(naming.minLength >= 1) || !(naming.maxLength >= naming.minLength)) {
      add("holds keys, so keyNaming needs minLength ≥ 1, maxLength ≥ minLength, a pattern and a patternMessage");
    }
  }
  const options = def.templateOptions;
  if (options !== undefined && !Array.isArray(options)) add("templateOptions must be an array of property descriptors");
  const seenOptions = new Set<string>();
  for (const o of Array.isArray(options) ? options : []) {
    problems.push(...validateProperty(`${where}, template option`, o, seenOptions));
    if (o?.secret || o?.derived || o?.required) add(`template option "${String(o?.name)}" cannot be secret, derived or required (give it a default)`);
  }
  if (def.deletionWindowOption !== undefined) {
    const o = Array.isArray(options) ? options.find((p: PropertyDefinition) => p?.name === def.deletionWindowOption) : undefined;
    if (!o || o.default === undefined) {
      add(`deletionWindowOption "${String(def.deletionWindowOption)}" must name a template option with a default`);
    }
  }
  if (def.priceModel !== undefined) {
    for (const problem of priceModelProblems(def.priceModel)) add(problem);
  }
  return problems;
}

function validateProperty(where: string, p: PropertyDefinition, seen: Set<string>): string[] {
  const problems: string[] = [];
  const name = typeof p?.name === "string" ? p.name : "?";
  const add = (message: string) => problems.push(`${where}, property "${name}": ${message}`);
  if (!WIRE_NAME.test(name)) add("name must be snake_case (letters, digits, single underscores)");
  if (seen.has(name)) add("is declared twice");
  seen.add(name);
  if (!nonEmpty(p.label)) add("label is missing");
  if (!nonEmpty(p.description)) add("description is missing");
  if (!VALUE_TYPES.has(p.valueType)) add(`valueType "${String(p.valueType)}" is not one of string, integer, boolean, enum, file`);
  if (p.secret && p.derived) add("cannot be both secret and derived: a derived value is shown, a secret never is");
  if (p.required && p.derived) add("cannot be both required and derived: users do not supply derived values");
  if (p.derived && p.default !== undefined) add("a derived property cannot have a default");
  if (p.secret && p.default !== undefined) add("a secret property cannot have a default");
  if (p.secret && (p.valueType === "boolean" || p.valueType === "enum" || p.valueType === "integer")) {
    add(`a ${p.valueType} cannot be secret`);
  }
  if (p.valueType === "enum" && (!Array.isArray(p.enumValues) || p.enumValues.length === 0)) add("an enum needs enumValues");
  if (p.valueType !== "enum" && p.enumValues !== undefined) add("enumValues only apply to enums");
  if (p.valueType === "file" && (!Array.isArray(p.accept) || typeof p.maxBytes !== "number")) add("a file needs accept and maxBytes");
  if (p.minLength !== undefined && p.maxLength !== undefined && p.minLength > p.maxLength) add("minLength exceeds maxLength");
  if (p.pattern !== undefined) {
    try {
      new RegExp(p.pattern, "u");
    } catch {
      add(`pattern ${p.pattern} is not a valid regular expression`);
    }
  }
  return problems;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === "string" && value.trim().length > 0;
}
