import type { PriceModel } from "@uko/connector-sdk";

/** Azure Key Vault Premium list prices, for the gateway's cost estimate (approximate; the page is authoritative). */
export const AZURE_KEY_VAULT_PRICES: PriceModel = {
  currency: "USD",
  sourceUrl: "https://azure.microsoft.com/en-us/pricing/details/key-vault/",
  asOf: "2025-01-01",
  keys: {
    basis: "per_key_version_month",
    // Imported (BYOK) keys are HSM-protected, and Azure bills every key version as a key.
    prices: [
      { label: "HSM-protected key version, RSA 2048", protection: "hsm", monthly: 1 },
      { label: "HSM-protected key version, RSA 3072/4096 or EC (first 250; tiered lower above)", protection: "hsm", monthly: 5 },
    ],
  },
  operations: {
    per10k: 0.03,
    note: "Operations with RSA 3072/4096 or EC keys cost $0.15 per 10,000.",
  },
  note: "RSA 3072/4096 and EC key versions are tiered: $5 each for the first 250, about $2.50 up to 1,500, $0.90 up to 4,000, $0.40 above. Approximate list prices.",
};
