import type { Builder } from "../../builder.js";
import { UnknownKeystoreTypeError, ValidationError } from "../../errors.js";
import { DEFAULT_KEY_VERSIONS, DEFAULT_MONTHLY_OPERATIONS, estimateCost, type CostEstimate, type CostLine, type Money } from "../../keystores/cost.js";

const MAX_KEY_VERSIONS = 1_000_000;
const MAX_MONTHLY_OPERATIONS = 1_000_000_000;

/**
 * `keystoreCostEstimate`: what the cloud will charge for one keystore's keys, before connecting
 * it, from the connector's public prices or the operator's price list (the orchestrator is free).
 */
export function defineCostEstimate(builder: Builder) {
  const MoneyRef = builder.objectRef<Money>("Money").implement({
    description: "An amount in a currency.",
    fields: (t) => ({
      amount: t.exposeFloat("amount", { description: "Rounded to the currency's minor unit." }),
      currency: t.exposeString("currency", { description: "ISO 4217 code." }),
    }),
  });
  const LineKind = builder.enumType("CostLineKind", {
    description: "What a line of a cost estimate charges for.",
    values: {
      KEY_VERSIONS: { description: "The cloud's monthly charge for the key versions held." },
      OPERATIONS: { description: "The cloud's charge for cryptographic operations." },
      NOT_PER_KEY: { description: "The cloud charges for something other than keys (HPCS: crypto units); not in the total, the note says what." },
      INTERNAL_CHARGE: { description: "The operator's internal charge per keystore (off unless the price list sets it)." },
    },
  });
  const Source = builder.enumType("KeystorePriceSource", {
    description: "Where an estimate's cloud prices come from.",
    values: {
      CLOUD_PUBLIC_PRICES: { description: "The cloud's public list prices, as the connector declares them (approximate; see sourceUrl and pricesAsOf)." },
      OPERATOR_PRICE_LIST: { description: "The operator's own prices for this keystore type, from the price list file (UKO_PRICE_LIST_FILE)." },
      NONE: { description: "Neither: the connector declares no prices and the price list has none for its type." },
    },
  });
  const Line = builder.objectRef<CostLine>("CostLineItem").implement({
    description: "One line of a cost estimate, per month.",
    fields: (t) => ({
      kind: t.field({ type: LineKind, description: "What it charges for.", resolve: (l) => l.kind }),
      description: t.exposeString("description", { description: "What it charges for, in words (e.g. the kind of key priced)." }),
      quantity: t.exposeFloat("quantity", { nullable: true, description: "How many units are charged for (before free allowances); null when not countable." }),
      unit: t.exposeString("unit", { nullable: true, description: "The unit of unitPrice, e.g. \"key version per month\" or \"10,000 operations\"." }),
      unitPrice: t.field({ type: MoneyRef, nullable: true, description: "The price of one unit.", resolve: (l) => l.unitPrice }),
      monthly: t.field({ type: MoneyRef, nullable: true, description: "What this line adds each month, free allowances deducted; null when it cannot be counted per keystore.", resolve: (l) => l.monthly }),
      note: t.exposeString("note", { nullable: true, description: "Free allowances, other prices, tiers." }),
    }),
  });
  const Estimate = builder.objectRef<CostEstimate & { type: string }>("KeystoreCostEstimate").implement({
    description:
      "What the cloud will charge each month for one keystore's keys (this self-hosted orchestrator charges nothing), plus the operator's internal charge if one is set. Estimates from list prices are approximate.",
    fields: (t) => ({
      type: t.exposeString("type", { description: "The keystore type asked about." }),
      country: t.exposeString("country", { description: "ISO 3166-1 alpha-2 code of the country or location." }),
      currency: t.exposeString("currency", { description: "The currency of the amounts, by country; converted from USD at approximate rates from the price list." }),
      keyVersions: t.exposeInt("keyVersions", { description: "Key versions the estimate assumes." }),
      monthlyOperations: t.exposeInt("monthlyOperations", { description: "Cryptographic operations a month the estimate assumes." }),
      priceSource: t.field({ type: Source, description: "Where the cloud prices come from.", resolve: (e) => e.priceSource }),
      sourceUrl: t.exposeString("sourceUrl", { nullable: true, description: "The cloud's pricing page, for its public prices." }),
      pricesAsOf: t.exposeString("pricesAsOf", { nullable: true, description: "The day the public prices were read (YYYY-MM-DD)." }),
      lineItems: t.field({ type: [Line], description: "Keys, operations and the optional internal charge, each per month.", resolve: (e) => e.lineItems }),
      estimatedMonthlyTotal: t.field({ type: MoneyRef, description: "Total estimated cost per month: the sum of the line items' monthly amounts.", resolve: (e) => e.estimatedMonthlyTotal }),
      complete: t.exposeBoolean("complete", { description: "Whether every charge is in the total: false when the cloud does not charge per key (HPCS) or no prices are known for the type." }),
      explanation: t.exposeString("explanation", { description: "The estimate in words: its assumptions, where the prices come from, and the conversion." }),
    }),
  });
  const Input = builder.inputType("KeystoreCostEstimateInput", {
    description: "The keystore you are about to connect, and how much it will hold and do.",
    fields: (t) => ({
      type: t.string({ required: true, description: "Keystore type, e.g. aws_kms." }),
      country: t.string({ required: true, description: "ISO 3166-1 alpha-2 code of the country or location whose currency to use, e.g. DE." }),
      keyVersions: t.int({ description: `Key versions it will hold, 0-${MAX_KEY_VERSIONS.toLocaleString("en-US")}; default ${DEFAULT_KEY_VERSIONS}.` }),
      monthlyOperations: t.int({ description: `Cryptographic operations a month, 0-${MAX_MONTHLY_OPERATIONS.toLocaleString("en-US")}; default ${DEFAULT_MONTHLY_OPERATIONS.toLocaleString("en-US")}.` }),
    }),
  });
  builder.queryFields((t) => ({
    keystoreCostEstimate: t.field({
      type: Estimate,
      description:
        "What the cloud will charge each month for a keystore of this type (key versions, operations) and the operator's optional internal charge, with a total, in the chosen country's currency. Prices come from the connector's declared public list prices or the operator's price list; both are approximate.",
      args: { input: t.arg({ type: Input, required: true, description: "The keystore." }) },
      errors: {
        types: [ValidationError, UnknownKeystoreTypeError],
        result: { name: "KeystoreCostEstimateSuccess", description: "The estimate." },
        union: { name: "KeystoreCostEstimateResult", description: "The estimate, or why there is none." },
        dataField: { name: "estimate", description: "The estimate." },
      },
      resolve: (_, { input }, ctx) => {
        const connector = ctx.services.registry.get(input.type);
        if (!connector) throw new UnknownKeystoreTypeError(input.type);
        const keyVersions = input.keyVersions ?? DEFAULT_KEY_VERSIONS;
        const monthlyOperations = input.monthlyOperations ?? DEFAULT_MONTHLY_OPERATIONS;
        const issues = [];
        if (keyVersions < 0 || keyVersions > MAX_KEY_VERSIONS) issues.push({ path: ["input", "keyVersions"], message: `keyVersions must be 0 to ${MAX_KEY_VERSIONS}`, code: "OUT_OF_RANGE" });
        if (monthlyOperations < 0 || monthlyOperations > MAX_MONTHLY_OPERATIONS) issues.push({ path: ["input", "monthlyOperations"], message: `monthlyOperations must be 0 to ${MAX_MONTHLY_OPERATIONS}`, code: "OUT_OF_RANGE" });
        if (issues.length > 0) throw new ValidationError(issues);
        const { definition } = connector;
        const estimate = estimateCost(ctx.services.prices, definition.priceModel, { type: definition.type, displayName: definition.displayName, country: input.country, keyVersions, monthlyOperations });
        if (!estimate) {
          const known = Object.keys(ctx.services.prices.countries).join(", ");
          throw new ValidationError([{ path: ["input", "country"], message: `No prices for "${input.country}"; known: ${known}`, code: "UNKNOWN_COUNTRY" }]);
        }
        return { ...estimate, type: input.type };
      },
    }),
  }));
}
