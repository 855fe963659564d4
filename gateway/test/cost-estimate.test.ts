import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import googleKms from "@uko/connector-google-kms";
import hpcs from "@uko/connector-ibm-kms/hpcs";
import keyProtect from "@uko/connector-ibm-kms/key-protect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { register } from "../src/connectors/registry.js";
import { loadPriceList } from "../src/keystores/cost.js";
import { errorFields, startTestGateway, type TestGateway } from "./harness.js";

const ESTIMATE = `query($input: KeystoreCostEstimateInput!) { keystoreCostEstimate(input: $input) {
  ... on KeystoreCostEstimateSuccess { estimate { type country currency keyVersions monthlyOperations priceSource sourceUrl pricesAsOf complete explanation
    lineItems { kind description quantity unit unitPrice { amount currency } monthly { amount currency } note }
    estimatedMonthlyTotal { amount currency } } }
  ${errorFields("ValidationError", "UnknownKeystoreTypeError")} } }`;

const priceFile = (content: unknown) => {
  const file = join(mkdtempSync(join(tmpdir(), "uko-prices-")), "prices.json");
  writeFileSync(file, JSON.stringify(content));
  return file;
};
const inProcess = [register("@uko/connector-google-kms", googleKms), register("@uko/connector-ibm-kms/key-protect", keyProtect), register("@uko/connector-ibm-kms/hpcs", hpcs)];

// The estimate reads no database: one provider is enough.
describe("keystoreCostEstimate: what the cloud charges, not the orchestrator", () => {
  let t: TestGateway;
  const estimate = async (input: Record<string, unknown>, gateway = t) => (await gateway.gql(ESTIMATE, { input })).data.keystoreCostEstimate;
  const line = (e: { lineItems: { kind: string }[] }, kind: string) => e.lineItems.find((l) => l.kind === kind) as Record<string, any>;

  beforeAll(async () => {
    t = await startTestGateway("sqlite", {}, { connectors: inProcess });
  });
  afterAll(() => t?.close());

  it("AWS KMS from the public prices its connector declares (across its process boundary), with the stated defaults", async () => {
    const e = (await estimate({ type: "aws_kms", country: "US" })).estimate;
    expect(e).toMatchObject({ type: "aws_kms", currency: "USD", keyVersions: 1, monthlyOperations: 10_000, priceSource: "CLOUD_PUBLIC_PRICES", sourceUrl: "https://aws.amazon.com/kms/pricing/", complete: true });
    expect(e.pricesAsOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(line(e, "KEY_VERSIONS")).toMatchObject({ quantity: 1, unit: "key version per month", unitPrice: { amount: 1 }, monthly: { amount: 1, currency: "USD" } });
    // 10,000 requests are within AWS's 20,000 free a month.
    expect(line(e, "OPERATIONS")).toMatchObject({ quantity: 10_000, unitPrice: { amount: 0.03 }, monthly: { amount: 0 } });
    expect(line(e, "OPERATIONS").note).toContain("20,000");
    expect(e.lineItems.map((l: { kind: string }) => l.kind)).toEqual(["KEY_VERSIONS", "OPERATIONS"]);
    expect(e.estimatedMonthlyTotal).toEqual({ amount: 1, currency: "USD" });
    expect(e.explanation).toContain(`public list prices as of ${e.pricesAsOf}`);
    expect(e.explanation).toMatch(/approximate/);
  });

  it("converts to the country's currency at the approximate rate, lines adding up to the total", async () => {
    const e = (await estimate({ type: "aws_kms", country: "de", keyVersions: 3, monthlyOperations: 120_000 })).estimate;
    expect(e).toMatchObject({ country: "DE", currency: "EUR", keyVersions: 3, monthlyOperations: 120_000 });
    expect(line(e, "KEY_VERSIONS").monthly).toEqual({ amount: 2.76, currency: "EUR" }); // 3 × $1 × 0.92
    expect(line(e, "OPERATIONS").monthly).toEqual({ amount: 0.28, currency: "EUR" }); // (120,000 − 20,000 free) / 10,000 × $0.03 × 0.92
    expect(e.estimatedMonthlyTotal).toEqual({ amount: 3.04, currency: "EUR" });
    expect(e.explanation).toContain("approximate rate (1 USD = 0.92 EUR)");
    const yen = (await estimate({ type: "aws_kms", country: "JP", keyVersions: 2 })).estimate;
    expect(yen.estimatedMonthlyTotal).toEqual({ amount: 300, currency: "JPY" });
  });

  it("Google prices the default HSM key and names the others; Key Protect's first 5 versions and its operations are free", async () => {
    const g = (await estimate({ type: "google_kms", country: "US", keyVersions: 2, monthlyOperations: 50_000 })).estimate;
    expect(line(g, "KEY_VERSIONS")).toMatchObject({ description: "HSM key version, AES-256 or RSA 2048", monthly: { amount: 2 } });
    expect(line(g, "KEY_VERSIONS").note).toContain("Software key version, 0.06 USD");
    expect(line(g, "OPERATIONS").monthly).toEqual({ amount: 0.15, currency: "USD" });
    expect(g.estimatedMonthlyTotal.amount).toBe(2.15);
    const kp = (await estimate({ type: "ibm_key_protect", country: "US", keyVersions: 7, monthlyOperations: 1_000_000 })).estimate;
    expect(line(kp, "KEY_VERSIONS")).toMatchObject({ quantity: 7, monthly: { amount: 2 } });
    expect(line(kp, "KEY_VERSIONS").note).toContain("The first 5 key versions are free.");
    expect(line(kp, "OPERATIONS")).toMatchObject({ monthly: { amount: 0 }, note: "Not charged by this cloud." });
    expect(kp.estimatedMonthlyTotal.amount).toBe(2);
    expect((await estimate({ type: "ibm_key_protect", country: "US" })).estimate.estimatedMonthlyTotal.amount).toBe(0);
  });

  it("HPCS is not priced per key: a line with no amount, left out of an incomplete total; a type with no prices says so", async () => {
    const h = (await estimate({ type: "ibm_hpcs", country: "US" })).estimate;
    expect(line(h, "NOT_PER_KEY")).toMatchObject({ monthly: null, quantity: null, unitPrice: null });
    expect(line(h, "NOT_PER_KEY").note).toMatch(/crypto unit/);
    expect(h).toMatchObject({ complete: false, estimatedMonthlyTotal: { amount: 0 } });
    expect(h.explanation).toMatch(/does not charge per key/);
    const r = (await estimate({ type: "reference", country: "US" })).estimate;
    expect(r).toMatchObject({ priceSource: "NONE", complete: false, lineItems: [], sourceUrl: null, pricesAsOf: null, estimatedMonthlyTotal: { amount: 0 } });
    expect(r.explanation).toMatch(/declares no prices/);
  });

  it("refuses bad input by field: country, key versions, operations, type", async () => {
    const bad = async (input: Record<string, unknown>) => estimate({ type: "aws_kms", country: "US", ...input });
    expect(await bad({ country: "ZZ" })).toMatchObject({ __typename: "ValidationError", issues: [{ path: ["input", "country"], code: "UNKNOWN_COUNTRY" }] });
    expect(await bad({ keyVersions: -1, monthlyOperations: 1_000_000_001 })).toMatchObject({
      __typename: "ValidationError",
      issues: [{ path: ["input", "keyVersions"] }, { path: ["input", "monthlyOperations"] }],
    });
    expect((await bad({ type: "nope" })).__typename).toBe("UnknownKeystoreTypeError");
  });

  it("the operator's price list replaces a type's public prices and may add an internal charge per keystore", async () => {
    const file = priceFile({
      keystoreTypes: { aws_kms: { keyVersionMonthlyUsd: 0.5, per10kOperationsUsd: 0.02, note: "Enterprise agreement 2026" } },
      internalCharge: { perKeystoreMonthlyUsd: 10, label: "Platform team charge" },
    });
    const own = await startTestGateway("sqlite", { priceListFile: file }, { connectors: inProcess });
    try {
      const e = (await estimate({ type: "aws_kms", country: "US", keyVersions: 4, monthlyOperations: 30_000 }, own)).estimate;
      expect(e).toMatchObject({ priceSource: "OPERATOR_PRICE_LIST", sourceUrl: null, pricesAsOf: null, complete: true });
      expect(e.lineItems).toMatchObject([
        { kind: "KEY_VERSIONS", description: "Key version (operator's price)", monthly: { amount: 2 }, note: "Enterprise agreement 2026" },
        { kind: "OPERATIONS", monthly: { amount: 0.06 } },
        { kind: "INTERNAL_CHARGE", description: "Platform team charge", quantity: 1, monthly: { amount: 10 } },
      ]);
      expect(e.estimatedMonthlyTotal.amount).toBe(12.06);
      expect(e.explanation).toContain("the operator's price list for AWS keystore");
      // Other types keep their public prices, plus the internal charge.
      const g = (await estimate({ type: "google_kms", country: "US", monthlyOperations: 0 }, own)).estimate;
      expect(g).toMatchObject({ priceSource: "CLOUD_PUBLIC_PRICES", estimatedMonthlyTotal: { amount: 11 } });
    } finally {
      await own.close();
    }
  });

  it("refuses a price list with the old service-fee fields or a type no connector provides, naming them", () => {
    expect(() => loadPriceList(priceFile({ baseHourlyUsd: 5 }), ["aws_kms"])).toThrow(/baseHourlyUsd/);
    expect(() => loadPriceList(priceFile({ keystoreTypes: { aws_ksm: { keyVersionMonthlyUsd: 1 } } }), ["aws_kms"])).toThrow(/keystoreTypes.aws_ksm is not a loaded keystore type \(loaded: aws_kms\)/);
    expect(() => loadPriceList(priceFile({ keystoreTypes: { aws_kms: { keyVersionMonthlyUsd: -1 } } }), ["aws_kms"])).toThrow(/keystoreTypes.aws_kms.keyVersionMonthlyUsd/);
    expect(loadPriceList(priceFile({ internalCharge: { perKeystoreMonthlyUsd: 3 } }), []).internalCharge).toEqual({ perKeystoreMonthlyUsd: 3, label: "Internal charge" });
  });
});
