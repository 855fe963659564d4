import type { PriceModel } from "@uko/connector-sdk";
import type { IbmVariant } from "./properties.js";

/** IBM list prices, for the gateway's cost estimate (approximate; the catalog is authoritative). */
export const IBM_PRICES: Record<IbmVariant, PriceModel> = {
  key_protect: {
    currency: "USD",
    sourceUrl: "https://cloud.ibm.com/catalog/services/key-protect",
    asOf: "2025-01-01",
    keys: {
      basis: "per_key_version_month",
      prices: [{ label: "Key version (root or standard key)", protection: "hsm", monthly: 1 }],
      freeKeyVersions: 5,
    },
    // No operations price: Key Protect does not charge for API calls within its rate limits.
    note: "The first 5 key versions of an instance are free (only if the instance holds no other keys); API calls are not charged within the service's limits. Approximate list prices.",
  },
  hpcs: {
    currency: "USD",
    sourceUrl: "https://cloud.ibm.com/catalog/services/hyper-protect-crypto-services",
    asOf: "2025-01-01",
    keys: {
      basis: "not_per_key",
      note: "HPCS is billed per crypto unit per hour (at least 2 for high availability), whatever the number of keys: the instance already costs that, and connecting a keystore adds nothing per key.",
    },
  },
};
