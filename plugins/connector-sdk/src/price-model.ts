/**
 * A cloud's public list prices for what a keystore of this type holds, so the gateway can say what
 * connecting one costs in the cloud (the orchestrator itself is free: it is self-hosted). Prices
 * are the cloud's published list prices in USD (the currency the clouds publish them in); an
 * operator's negotiated prices replace them in the gateway's price list file.
 */
export interface PriceModel {
  /** The clouds publish list prices in USD; the gateway converts to the user's currency. */
  readonly currency: "USD";
  /** The cloud's pricing page the numbers come from. */
  readonly sourceUrl: string;
  /** The day the numbers were read from `sourceUrl`, `YYYY-MM-DD`. */
  readonly asOf: string;
  readonly keys: PerKeyVersionPrices | NotPerKeyPrice;
  /** What cryptographic operations cost; absent when the cloud does not charge for them. */
  readonly operations?: OperationPrice;
  /** Anything a reader needs to know about these prices (tiers, free allowances, approximations). */
  readonly note?: string;
}

/** The cloud charges each key version held, monthly. */
export interface PerKeyVersionPrices {
  readonly basis: "per_key_version_month";
  /**
   * One price per kind of key; the first is the one an estimate uses (the key this connector
   * installs by default), the others are shown beside it.
   */
  readonly prices: readonly KeyVersionPrice[];
  /** Key versions the cloud does not charge for (IBM Key Protect's first 5). */
  readonly freeKeyVersions?: number;
}

export interface KeyVersionPrice {
  /** What the price applies to, in a person's words, e.g. "HSM key version, AES-256 or RSA 2048". */
  readonly label: string;
  /** Where the cloud keeps the key, where the cloud prices the two differently. */
  readonly protection: "hsm" | "software";
  /** Price per key version per month. */
  readonly monthly: number;
}

/** The cloud charges for something other than keys (HPCS: crypto units per hour), whatever the key count. */
export interface NotPerKeyPrice {
  readonly basis: "not_per_key";
  /** What the cloud charges for instead, and where to find its price. */
  readonly note: string;
}

export interface OperationPrice {
  /** Price per 10,000 cryptographic operations (the estimate's rate). */
  readonly per10k: number;
  /** Operations a month the cloud does not charge for (AWS's free tier). */
  readonly freeMonthly?: number;
  /** Other rates (asymmetric or HSM operations), in words. */
  readonly note?: string;
}

const AS_OF = /^\d{4}-\d{2}-\d{2}$/;

/** Everything wrong with a declared price model, one sentence each (run by `validateConnectorDefinition`). */
export function priceModelProblems(candidate: unknown): string[] {
  if (typeof candidate !== "object" || candidate === null) return ["priceModel must be an object"];
  const model = candidate as Partial<PriceModel>;
  const problems: string[] = [];
  const add = (message: string) => problems.push(`priceModel.${message}`);
  if (model.currency !== "USD") add(`currency must be "USD" (the clouds publish list prices in USD), not ${JSON.stringify(model.currency)}`);
  if (!isHttpUrl(model.sourceUrl)) add("sourceUrl must be the http(s) address of the cloud's pricing page");
  if (typeof model.asOf !== "string" || !AS_OF.test(model.asOf) || Number.isNaN(Date.parse(`${model.asOf}T00:00:00Z`))) {
    add("asOf must be the date the prices were read, YYYY-MM-DD");
  }
  const keys = model.keys as Partial<PerKeyVersionPrices> & Partial<NotPerKeyPrice> | undefined;
  if (keys?.basis === "per_key_version_month") {
    if (!Array.isArray(keys.prices) || keys.prices.length === 0) add("keys.prices must list at least one key version price");
    for (const [i, p] of (Array.isArray(keys.prices) ? keys.prices : []).entries()) {
      if (!nonEmpty(p?.label)) add(`keys.prices[${i}].label is missing`);
      if (p?.protection !== "hsm" && p?.protection !== "software") add(`keys.prices[${i}].protection must be "hsm" or "software"`);
      if (!isAmount(p?.monthly)) add(`keys.prices[${i}].monthly must be a finite amount ≥ 0`);
    }
    if (keys.freeKeyVersions !== undefined && !isCount(keys.freeKeyVersions)) add("keys.freeKeyVersions must be a whole number ≥ 0");
  } else if (keys?.basis === "not_per_key") {
    if (!nonEmpty(keys.note)) add("keys.note must say what the cloud charges instead of keys");
  } else {
    add('keys.basis must be "per_key_version_month" or "not_per_key"');
  }
  const ops = model.operations;
  if (ops !== undefined) {
    if (!isAmount(ops?.per10k)) add("operations.per10k must be a finite amount ≥ 0");
    if (ops?.freeMonthly !== undefined && !isCount(ops.freeMonthly)) add("operations.freeMonthly must be a whole number ≥ 0");
    if (ops?.note !== undefined && !nonEmpty(ops.note)) add("operations.note, when given, must not be empty");
  }
  if (model.note !== undefined && !nonEmpty(model.note)) add("note, when given, must not be empty");
  return problems;
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

const isAmount = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0;
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const nonEmpty = (v: unknown): v is string => typeof v === "string" && v.trim().length > 0;
