import { readFileSync } from "node:fs";
import type { PriceModel } from "@uko/connector-sdk";
import { z } from "zod";

/**
 * What a keystore costs in its cloud, not in this project (self-hosted, it charges nothing). Each
 * connector declares its cloud's public list prices (`priceModel`); the operator's price list file
 * (UKO_PRICE_LIST_FILE) replaces them per keystore type with negotiated prices, and may add an
 * internal charge per keystore for teams that charge back. Amounts are in USD, converted by the
 * rates below (approximate; the file can set its own).
 */
const operatorPriceSchema = z
  .object({
    keyVersionMonthlyUsd: z.number().nonnegative(),
    per10kOperationsUsd: z.number().nonnegative().default(0),
    freeKeyVersions: z.number().int().nonnegative().default(0),
    freeMonthlyOperations: z.number().int().nonnegative().default(0),
    note: z.string().min(1).optional(),
  })
  .strict();
export type OperatorPrice = z.infer<typeof operatorPriceSchema>;

const currenciesSchema = z.record(z.string().regex(/^[A-Z]{3}$/), z.object({ perUsd: z.number().positive(), digits: z.number().int().min(0).max(3) }));
const countriesSchema = z.record(z.string().regex(/^[A-Z]{2}$/), z.object({ name: z.string(), currency: z.string().regex(/^[A-Z]{3}$/) }));

export const priceListSchema = z
  .object({
    /** Keystore type -> the operator's own prices, replacing the connector's public ones. */
    keystoreTypes: z.record(z.string(), operatorPriceSchema).optional(),
    /** Off unless set: what the operator's organisation charges a team per keystore and month. */
    internalCharge: z.object({ perKeystoreMonthlyUsd: z.number().nonnegative(), label: z.string().min(1).default("Internal charge") }).strict().optional(),
    /** ISO 4217 code -> units of that currency per USD, and its minor-unit digits. */
    currencies: currenciesSchema.optional(),
    /** ISO 3166-1 alpha-2 country or location code -> currency code. */
    countries: countriesSchema.optional(),
  })
  // Strict, so a file written for the old UKO service fee (baseHourlyUsd, ...) is refused by name, not half-read.
  .strict();

export interface PriceList {
  keystoreTypes: Record<string, OperatorPrice>;
  internalCharge?: { perKeystoreMonthlyUsd: number; label: string };
  currencies: z.infer<typeof currenciesSchema>;
  countries: z.infer<typeof countriesSchema>;
}

export const DEFAULT_PRICE_LIST: PriceList = {
  keystoreTypes: {},
  currencies: {
    USD: { perUsd: 1, digits: 2 },
    EUR: { perUsd: 0.92, digits: 2 },
    GBP: { perUsd: 0.79, digits: 2 },
    JPY: { perUsd: 150, digits: 0 },
    CAD: { perUsd: 1.36, digits: 2 },
    AUD: { perUsd: 1.52, digits: 2 },
    CHF: { perUsd: 0.88, digits: 2 },
    INR: { perUsd: 83, digits: 2 },
    BRL: { perUsd: 5.0, digits: 2 },
  },
  countries: {
    US: { name: "United States", currency: "USD" },
    CA: { name: "Canada", currency: "CAD" },
    GB: { name: "United Kingdom", currency: "GBP" },
    DE: { name: "Germany", currency: "EUR" },
    FR: { name: "France", currency: "EUR" },
    ES: { name: "Spain", currency: "EUR" },
    IT: { name: "Italy", currency: "EUR" },
    NL: { name: "Netherlands", currency: "EUR" },
    IE: { name: "Ireland", currency: "EUR" },
    CH: { name: "Switzerland", currency: "CHF" },
    JP: { name: "Japan", currency: "JPY" },
    AU: { name: "Australia", currency: "AUD" },
    IN: { name: "India", currency: "INR" },
    BR: { name: "Brazil", currency: "BRL" },
  },
};

/**
 * Reads the operator's price list; omitted parts keep the defaults. `knownTypes` are the loaded
 * keystore types: a price for any other type is a typo or a removed connector, refused by name.
 */
export function loadPriceList(file: string | undefined, knownTypes: readonly string[]): PriceList {
  if (!file) return DEFAULT_PRICE_LIST;
  const parsed = priceListSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`The price list ${file} is not valid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const list: PriceList = {
    keystoreTypes: parsed.data.keystoreTypes ?? {},
    ...(parsed.data.internalCharge ? { internalCharge: parsed.data.internalCharge } : {}),
    currencies: parsed.data.currencies ?? DEFAULT_PRICE_LIST.currencies,
    countries: parsed.data.countries ?? DEFAULT_PRICE_LIST.countries,
  };
  for (const [code, c] of Object.entries(list.countries)) {
    if (!list.currencies[c.currency]) throw new Error(`The price list ${file}: country ${code} uses currency ${c.currency}, which has no rate`);
  }
  for (const type of Object.keys(list.keystoreTypes)) {
    if (!knownTypes.includes(type)) throw new Error(`The price list ${file}: keystoreTypes.${type} is not a loaded keystore type (loaded: ${knownTypes.join(", ")})`);
  }
  return list;
}

export interface Money {
  amount: number;
  currency: string;
}

export type CostLineKind = "KEY_VERSIONS" | "OPERATIONS" | "NOT_PER_KEY" | "INTERNAL_CHARGE";
export type PriceSource = "CLOUD_PUBLIC_PRICES" | "OPERATOR_PRICE_LIST" | "NONE";

export interface CostLine {
  kind: CostLineKind;
  description: string;
  quantity: number | null;
  unit: string | null;
  unitPrice: Money | null;
  /** Null when the charge cannot be counted per keystore (HPCS's crypto units). */
  monthly: Money | null;
  note: string | null;
}

export interface CostEstimate {
  country: string;
  currency: string;
  keyVersions: number;
  monthlyOperations: number;
  priceSource: PriceSource;
  sourceUrl: string | null;
  pricesAsOf: string | null;
  lineItems: CostLine[];
  /** The sum of the line items' monthly amounts ("Total estimated cost"). */
  estimatedMonthlyTotal: Money;
  /** False when a charge is not in the total (not per key, or no prices for the type). */
  complete: boolean;
  explanation: string;
}

export interface CostRequest {
  /** The keystore type's display name, for the explanation. */
  displayName: string;
  type: string;
  country: string;
  keyVersions: number;
  monthlyOperations: number;
}

/** An estimate's assumptions when the caller gives none: one key version, 10,000 operations a month. */
export const DEFAULT_KEY_VERSIONS = 1;
export const DEFAULT_MONTHLY_OPERATIONS = 10_000;

/** The estimate, or undefined when the price list has no currency for the country. */
export function estimateCost(prices: PriceList, model: PriceModel | undefined, request: CostRequest): CostEstimate | undefined {
  const country = request.country.toUpperCase();
  const place = prices.countries[country];
  if (!place) return undefined;
  const rate = prices.currencies[place.currency]!;
  const money = (usd: number): Money => ({ amount: round(usd * rate.perUsd, rate.digits), currency: place.currency });
  const fmt = (m: Money) => `${m.amount.toFixed(rate.digits)} ${m.currency}`;
  const { keyVersions, monthlyOperations } = request;
  const operator = prices.keystoreTypes[request.type];
  const lines: CostLine[] = operator ? operatorLines(operator, request, money) : model ? cloudLines(model, request, money, fmt) : [];
  if (prices.internalCharge) {
    const c = prices.internalCharge;
    lines.push({ kind: "INTERNAL_CHARGE", description: c.label, quantity: 1, unit: "keystore per month", unitPrice: money(c.perKeystoreMonthlyUsd), monthly: money(c.perKeystoreMonthlyUsd), note: "Charged by your organisation, set by the operator." });
  }
  const priceSource: PriceSource = operator ? "OPERATOR_PRICE_LIST" : model ? "CLOUD_PUBLIC_PRICES" : "NONE";
  const complete = priceSource !== "NONE" && lines.every((l) => l.monthly !== null);
  // The total adds the rounded lines, so the lines shown add up to it.
  const total: Money = { amount: round(lines.reduce((sum, l) => sum + (l.monthly?.amount ?? 0), 0), rate.digits), currency: place.currency };
  const assumed = `${keyVersions} key version${keyVersions === 1 ? "" : "s"} and ${monthlyOperations.toLocaleString("en-US")} operations a month`;
  const source =
    priceSource === "OPERATOR_PRICE_LIST"
      ? `the operator's price list for ${request.displayName}`
      : priceSource === "CLOUD_PUBLIC_PRICES"
        ? `the cloud's public list prices as of ${model!.asOf} (${model!.sourceUrl}), approximate`
        : undefined;
  const explanation = [
    source
      ? `About ${fmt(total)} a month for ${assumed}, from ${source}.`
      : `${request.displayName} declares no prices and the price list has none for it: the cloud's charges are not included${prices.internalCharge ? `; the total is the internal charge, ${fmt(total)} a month` : ""}.`,
    lines.some((l) => l.kind === "NOT_PER_KEY") ? "The cloud does not charge per key (see the line's note): that charge is not in the total." : undefined,
    place.currency === "USD" ? undefined : `Converted from USD at an approximate rate (1 USD = ${rate.perUsd} ${place.currency}).`,
  ]
    .filter(Boolean)
    .join(" ");
  return {
    country,
    currency: place.currency,
    keyVersions,
    monthlyOperations,
    priceSource,
    sourceUrl: priceSource === "CLOUD_PUBLIC_PRICES" ? model!.sourceUrl : null,
    pricesAsOf: priceSource === "CLOUD_PUBLIC_PRICES" ? model!.asOf : null,
    lineItems: lines,
    estimatedMonthlyTotal: total,
    complete,
    explanation,
  };
}

type ToMoney = (usd: number) => Money;

function keyLine(description: string, request: CostRequest, monthlyUsd: number, free: number, money: ToMoney, notes: string[]): CostLine {
  const charged = Math.max(0, request.keyVersions - free);
  if (free > 0) notes.unshift(`The first ${free} key version${free === 1 ? " is" : "s are"} free.`);
  return { kind: "KEY_VERSIONS", description, quantity: request.keyVersions, unit: "key version per month", unitPrice: money(monthlyUsd), monthly: money(charged * monthlyUsd), note: notes.join(" ") || null };
}

function operationsLine(request: CostRequest, per10kUsd: number, free: number, money: ToMoney, notes: string[]): CostLine {
  const charged = Math.max(0, request.monthlyOperations - free);
  if (free > 0) notes.unshift(`The first ${free.toLocaleString("en-US")} operations a month are free.`);
  return { kind: "OPERATIONS", description: "Cryptographic operations", quantity: request.monthlyOperations, unit: "10,000 operations", unitPrice: money(per10kUsd), monthly: money((charged / 10_000) * per10kUsd), note: notes.join(" ") || null };
}

function operatorLines(p: OperatorPrice, request: CostRequest, money: ToMoney): CostLine[] {
  return [
    keyLine("Key version (operator's price)", request, p.keyVersionMonthlyUsd, p.freeKeyVersions, money, p.note ? [p.note] : []),
    operationsLine(request, p.per10kOperationsUsd, p.freeMonthlyOperations, money, []),
  ];
}

function cloudLines(model: PriceModel, request: CostRequest, money: ToMoney, fmt: (m: Money) => string): CostLine[] {
  const lines: CostLine[] = [];
  if (model.keys.basis === "not_per_key") {
    lines.push({ kind: "NOT_PER_KEY", description: "Keys", quantity: null, unit: null, unitPrice: null, monthly: null, note: model.keys.note });
  } else {
    const [used, ...others] = model.keys.prices;
    const notes = others.length > 0 ? [`Other keys: ${others.map((o) => `${o.label}, ${fmt(money(o.monthly))}`).join("; ")}.`] : [];
    if (model.note) notes.push(model.note);
    lines.push(keyLine(used!.label, request, used!.monthly, model.keys.freeKeyVersions ?? 0, money, notes));
  }
  if (model.operations) {
    lines.push(operationsLine(request, model.operations.per10k, model.operations.freeMonthly ?? 0, money, model.operations.note ? [model.operations.note] : []));
  } else {
    lines.push({ kind: "OPERATIONS", description: "Cryptographic operations", quantity: request.monthlyOperations, unit: "10,000 operations", unitPrice: money(0), monthly: money(0), note: "Not charged by this cloud." });
  }
  return lines;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
