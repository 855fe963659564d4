import type { PriceModel } from "@uko/connector-sdk";

/** AWS KMS list prices, for the gateway's cost estimate (approximate; the page is authoritative). */
export const AWS_KMS_PRICES: PriceModel = {
  currency: "USD",
  sourceUrl: "https://aws.amazon.com/kms/pricing/",
  asOf: "2025-01-01",
  keys: {
    basis: "per_key_version_month",
    // Every KMS key is held in AWS's HSMs; imported material costs the same as AWS-generated.
    prices: [{ label: "KMS key (symmetric or asymmetric, imported material included)", protection: "hsm", monthly: 1 }],
  },
  operations: {
    per10k: 0.03,
    freeMonthly: 20_000,
    note: "Most asymmetric requests cost more (about $0.10–0.15 per 10,000). The free allowance is per account, shared by all its keys.",
  },
  note: "This connector rotates by creating a new key (imported material cannot rotate in place), so each rotation adds a key at $1 a month until the old one is deleted. Approximate list prices.",
};
