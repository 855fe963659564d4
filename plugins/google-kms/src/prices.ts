import type { PriceModel } from "@uko/connector-sdk";

/** Google Cloud KMS list prices, for the gateway's cost estimate (approximate; the page is authoritative). */
export const GOOGLE_KMS_PRICES: PriceModel = {
  currency: "USD",
  sourceUrl: "https://cloud.google.com/kms/pricing",
  asOf: "2025-01-01",
  keys: {
    basis: "per_key_version_month",
    // HSM first: the connector's protection level defaults to HSM.
    prices: [
      { label: "HSM key version, AES-256 or RSA 2048", protection: "hsm", monthly: 1 },
      { label: "HSM key version, RSA 3072/4096 or EC", protection: "hsm", monthly: 2.5 },
      { label: "Software key version", protection: "software", monthly: 0.06 },
    ],
  },
  operations: {
    per10k: 0.03,
    note: "HSM operations with RSA 3072/4096 or EC keys cost up to $0.15 per 10,000.",
  },
  note: "HSM prices are for a project's first 2,000 key versions (lower above). Approximate list prices.",
};
