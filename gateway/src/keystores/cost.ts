import { readFileSync } from "node:fs";
import { z } from "zod";

/**
 * Prices follow UKO's published pricing: the first external keystore is free whatever its type,
 * each further one is charged monthly, and connecting the first external keystore starts the base
 * hourly charge. Amounts are kept in USD with conversion rates per currency; both are
 * configurable with UKO_PRICE_LIST_FILE, since a contract's prices and rates differ.
 */
export const priceListSchema = z.object({
  baseHourlyUsd: z.number().nonnegative(),
  externalKeystoreMonthlyUsd: z.number().nonnegative(),
  freeExternalKeystores: z.number().int().nonnegative(),
  /** ISO 4217 code -> units of that currency per USD, and its minor-unit digits. */
  currencies: z.record(z.string().regex(/^[A-Z]{3}$/), z.object({ perUsd: z.number().positive(), digits: z.number().int().min(0).max(3) })),
  /** ISO 3166-1 alpha-2 country or location code -> currency code. */
  countries: z.record(z.string().regex(/^[A-Z]{2}$/), z.object({ name: z.string(), currency: z.string().regex(/^[A-Z]{3}$/) })),
});
export type PriceList = z.infer<typeof priceListSchema>;

export const DEFAULT_PRICE_LIST: PriceList = {
  baseHourlyUsd: 5.0,
  externalKeystoreMonthlyUsd: 70.0,
  freeExternalKeystores: 1,
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

export function loadPriceList(file: string | undefined): PriceList {
  if (!file) return DEFAULT_PRICE_LIST;
  const parsed = priceListSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`The price list ${file} is not valid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  for (const [code, c] of Object.entries(parsed.data.countries)) {
    if (!parsed.data.currencies[c.currency]) throw new Error(`The price list ${file}: country ${code} uses currency ${c.currency}, which has no rate`);
  }
  return parsed.data;
}

export interface Money {
  amount: number;
  currency: string;
}

export interface CostEstimate {
  country: string;
  currency: string;
  free: boolean;
  existingExternalKeystores: number;
  freeExternalKeystores: number;
  /** What this keystore adds each month (zero when free). */
  keystoreMonthly: Money;
  /** The base charge, hourly, that runs while any external keystore is connected. */
  baseHourly: Money;
  /** Whether connecting this keystore starts the base charge. */
  startsBaseCharge: boolean;
  /** Base charge for a 30-day month plus this keystore's monthly price. */
  estimatedMonthlyTotal: Money;
  explanation: string;
}

export function estimateCost(prices: PriceList, country: string, existingExternalKeystores: number): CostEstimate | undefined {
  const place = prices.countries[country.toUpperCase()];
  if (!place) return undefined;
  const rate = prices.currencies[place.currency]!;
  const money = (usd: number): Money => ({ amount: round(usd * rate.perUsd, rate.digits), currency: place.currency });
  const free = existingExternalKeystores < prices.freeExternalKeystores;
  const startsBaseCharge = existingExternalKeystores === 0;
  const keystoreMonthlyUsd = free ? 0 : prices.externalKeystoreMonthlyUsd;
  const baseHourly = money(prices.baseHourlyUsd);
  const keystoreMonthly = money(keystoreMonthlyUsd);
  const fmt = (m: Money) => `${m.amount.toFixed(rate.digits)} ${m.currency}`;
  const explanation = [
    free ? "This keystore is free: it is within the free external keystores." : `This keystore costs ${fmt(keystoreMonthly)} a month.`,
    startsBaseCharge
      ? `Connecting it starts the base charge of ${fmt(baseHourly)} an hour.`
      : `The base charge of ${fmt(baseHourly)} an hour already runs.`,
  ].join(" ");
  return {
    country: country.toUpperCase(),
    currency: place.currency,
    free,
    existingExternalKeystores,
    freeExternalKeystores: prices.freeExternalKeystores,
    keystoreMonthly,
    baseHourly,
    startsBaseCharge,
    estimatedMonthlyTotal: money(prices.baseHourlyUsd * 24 * 30 + keystoreMonthlyUsd),
    explanation,
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
