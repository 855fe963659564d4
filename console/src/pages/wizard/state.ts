import type { ConnectionTest, KeystoreType, Vault } from "../../api/types.ts";
import type { FormValues } from "../../forms/descriptors.ts";
import type { FieldErrors } from "../../forms/validate.ts";

/** Everything the wizard has collected; each step reads and changes its part. */
export interface WizardState {
  vault?: Vault;
  type?: KeystoreType;
  country: string;
  general: { name: string; description: string; groups: string };
  values: FormValues;
  test?: ConnectionTest;
  /** Errors the API returned on Connect, by field; shown where the field is. */
  serverErrors: FieldErrors;
}

export const STEPS = ["Vault", "Keystore type", "Properties", "Test connection", "Summary"] as const;
/** Each step's name in the address (/keystores/new?step=properties), so Back, Forward and reload keep the step. */
export const STEP_SLUGS = ["vault", "type", "properties", "test", "summary"] as const;

export function stepUrl(step: number): string {
  return `/keystores/new?step=${STEP_SLUGS[step]}`;
}

/**
 * Countries the default price list knows (gateway/src/keystores/cost.ts). The API has no query for
 * them; it checks the code, so a price list with other countries still answers, with an error.
 */
export const COUNTRIES: [string, string][] = [
  ["US", "United States"],
  ["CA", "Canada"],
  ["GB", "United Kingdom"],
  ["DE", "Germany"],
  ["FR", "France"],
  ["ES", "Spain"],
  ["IT", "Italy"],
  ["NL", "Netherlands"],
  ["IE", "Ireland"],
  ["CH", "Switzerland"],
  ["JP", "Japan"],
  ["AU", "Australia"],
  ["IN", "India"],
  ["BR", "Brazil"],
];

/** The person's country from the browser's language (en-GB -> GB) when it is one we list. */
export function defaultCountry(language = typeof navigator === "undefined" ? "en-US" : navigator.language): string {
  const region = language.split("-")[1]?.toUpperCase();
  return COUNTRIES.some(([code]) => code === region) ? region! : "US";
}
