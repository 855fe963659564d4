import { validateConnectorDefinition, validateProperties, type ConnectorDefinition } from "@uko/connector-sdk";
import type { LintOptions } from "./types.js";

/** Names that suggest a credential; such a property must be `secret` unless listed in `notSecret`. */
export const SECRET_LOOKING_NAME = /key|secret|password|passphrase|token|credential/i;

/**
 * Everything wrong with a definition that can be found without a network: the SDK's own check
 * (the one the gateway runs at load, GraphQL name collisions included) and the kit's stricter
 * rules. Returns one sentence per problem.
 */
export function lintConnectorDefinition(definition: ConnectorDefinition, options: LintOptions = {}): string[] {
  const problems = validateConnectorDefinition(definition);
  if (typeof definition !== "object" || definition === null) return problems;
  const where = `connector "${String(definition.type)}"`;
  const add = (message: string) => problems.push(`${where}: ${message}`);
  const notSecret = new Set(options.notSecret ?? []);
  const properties = Array.isArray(definition.properties) ? definition.properties : [];

  for (const name of notSecret) {
    if (!properties.some((p) => p.name === name)) add(`lint.notSecret names "${name}", which is not a property`);
  }
  for (const p of properties) {
    const what = `property "${p.name}"`;
    if (SECRET_LOOKING_NAME.test(p.name) && !p.secret && !p.derived && !notSecret.has(p.name)) {
      add(`${what} looks like a credential but is not secret: mark it secret, or list it in lint.notSecret if it is not one (e.g. a key id)`);
    }
    if (p.required && p.default !== undefined) add(`${what} is required and has a default: the default never applies; make it optional`);
    if (p.secret && p.validate === undefined && p.minLength === undefined && p.valueType === "string") {
      // A secret is never shown back, so an empty or one-letter paste error is found only at the next test.
      add(`${what} is secret with no minLength: give one, so a truncated paste is refused at once`);
    }
    if (p.pattern !== undefined && !p.patternMessage) add(`${what} has a pattern but no patternMessage saying what is allowed`);
  }
  for (const o of definition.templateOptions ?? []) {
    if (o.default === undefined) continue;
    const issues = validateProperties([o], { [o.name]: o.default }).issues;
    for (const issue of issues) add(`template option "${o.name}": its default ${String(o.default)} breaks its own rules (${issue.message})`);
  }
  for (const p of properties) {
    if (p.default === undefined || p.derived || p.secret) continue;
    const issues = validateProperties([p], { [p.name]: p.default }, { partial: true }).issues;
    for (const issue of issues) add(`property "${p.name}": its default ${String(p.default)} breaks its own rules (${issue.message})`);
  }
  const naming = definition.keyNaming;
  if (naming) {
    try {
      new RegExp(naming.pattern, "u");
    } catch {
      add(`keyNaming.pattern ${naming.pattern} is not a valid regular expression`);
    }
  }
  problems.push(...priceModelLint(definition, where));
  const declared = new Set(definition.capabilities?.operations ?? []);
  if (definition.rotation !== undefined && !declared.has("rotate")) add(`declares rotation "${definition.rotation}" but not the rotate operation`);
  return problems;
}


/**
 * Stricter than the SDK's check, which only refuses what the gateway cannot use: a price list a
 * person reads must come from an https page, be dated no later than today, and name each key
 * price once (two prices with one label cannot be told apart in the estimate).
 */
function priceModelLint(definition: ConnectorDefinition, where: string): string[] {
  const model = definition.priceModel;
  if (!model || typeof model !== "object") return [];
  const problems: string[] = [];
  const add = (message: string) => problems.push(`${where}: priceModel.${message}`);
  if (typeof model.sourceUrl === "string" && !model.sourceUrl.startsWith("https://")) add(`sourceUrl ${model.sourceUrl} is not https`);
  const asOf = Date.parse(`${model.asOf}T00:00:00Z`);
  if (asOf > Date.now()) add(`asOf ${model.asOf} is in the future: give the day the prices were read`);
  const labels = model.keys?.basis === "per_key_version_month" && Array.isArray(model.keys.prices) ? model.keys.prices.map((p) => p?.label) : [];
  for (const label of new Set(labels.filter((l, i) => labels.indexOf(l) !== i))) add(`keys.prices has two prices labelled "${String(label)}"`);
  return problems;
}
