import { describe, expect, it } from "vitest";
import { connectorGraphqlNames, createRedactingLogger, defineConnector, property, repairHint, validateConnectorDefinition, validateProperties } from "./index.js";

const valid = {
  type: "demo_store",
  displayName: "Demo",
  description: "A demo.",
  properties: [
    property.string("demo_region", { label: "Region", description: "Where.", required: true, immutable: true, pattern: "[a-z]+-[0-9]", normalize: (v) => String(v).replace(/_/g, "-") }),
    property.string("demo_secret", { label: "Secret", description: "Key.", required: true, secret: true, maxLength: 10 }),
    property.string("demo_derived", { label: "Derived", description: "From region.", derived: true }),
  ],
  identifyingProperties: ["demo_region"],
  requiredPermissions: [{ name: "demo:Read", description: "Reads." }],
  capabilities: { algorithms: [{ algorithm: "aes" as const, sizes: ["256"] }], operations: [] },
  keyNaming: { minLength: 1, maxLength: 64, pattern: "[a-z-]+", patternMessage: "lowercase letters and hyphens" },
  derive: () => ({ demo_derived: "x" }),
  connect: () => ({ test: async () => ({ checks: [] }) }),
};

describe("connector definitions", () => {
  it("contract v2: refuses a v1 connector naming both versions, unknown operations, and rotate without a rotation model", () => {
    expect(validateConnectorDefinition({ ...defineConnector(valid), contractVersion: 1 })).toEqual([
      'connector "demo_store": built for connector contract version 1, this gateway speaks version 2',
    ]);
    const withOps = (operations: string[], rotation?: string) =>
      validateConnectorDefinition(defineConnector({ ...valid, capabilities: { ...valid.capabilities, operations: operations as never }, ...(rotation ? { rotation: rotation as never } : {}) }));
    expect(withOps(["rotateKey"]).join("\n")).toMatch(/capability operation "rotateKey" is not one of rotate, reimport, cancel_deletion, verify_material/);
    expect(withOps(["rotate"]).join("\n")).toMatch(/declares the rotate operation, so rotation must be "new_version" or "new_key"/);
    expect(withOps(["rotate", "cancel_deletion"], "new_version")).toEqual([]);
  });

  it("contract v2: an optional repair action needs a short label and a description; its hint names the label and the mutation", () => {
    const withRepair = (repair: unknown) => validateConnectorDefinition(defineConnector({ ...valid, capabilities: { ...valid.capabilities, repair: repair as never } }));
    const repair = { label: "Recreate import key", description: "Creates the import key again." };
    expect(withRepair(repair)).toEqual([]);
    expect(withRepair({ label: "", description: "x" })).toEqual(['connector "demo_store": capabilities.repair needs a label of 1-40 characters (the console\'s button)']);
    expect(withRepair({ label: "x".repeat(41), description: "x" }).join("\n")).toMatch(/label of 1-40 characters/);
    expect(withRepair({ label: "Fix" }).join("\n")).toMatch(/capabilities.repair needs a description/);
    expect(repairHint(repair)).toBe('the keystore\'s "Recreate import key" action (the repairKeystore mutation in the API)');
  });

  it("an optional price model is checked field by field, naming each bad one", () => {
    const withPrices = (priceModel: unknown) => validateConnectorDefinition(defineConnector({ ...valid, priceModel: priceModel as never }));
    const sound = {
      currency: "USD",
      sourceUrl: "https://example.com/pricing",
      asOf: "2026-11-01",
      keys: { basis: "per_key_version_month", prices: [{ label: "HSM key", protection: "hsm", monthly: 1 }], freeKeyVersions: 5 },
      operations: { per10k: 0.03, freeMonthly: 20000 },
    };
    expect(withPrices(sound)).toEqual([]);
    expect(withPrices({ ...sound, keys: { basis: "not_per_key", note: "Billed per crypto unit." }, operations: undefined })).toEqual([]);
    expect(withPrices({ ...sound, currency: "EUR", sourceUrl: "ftp://x", asOf: "1 Nov 2026" })).toEqual([
      'connector "demo_store": priceModel.currency must be "USD" (the clouds publish list prices in USD), not "EUR"',
      'connector "demo_store": priceModel.sourceUrl must be the http(s) address of the cloud\'s pricing page',
      'connector "demo_store": priceModel.asOf must be the date the prices were read, YYYY-MM-DD',
    ]);
    expect(withPrices({ ...sound, keys: { basis: "per_key_version_month", prices: [{ label: "", protection: "cloud", monthly: -1 }], freeKeyVersions: 1.5 } })).toEqual([
      'connector "demo_store": priceModel.keys.prices[0].label is missing',
      'connector "demo_store": priceModel.keys.prices[0].protection must be "hsm" or "software"',
      'connector "demo_store": priceModel.keys.prices[0].monthly must be a finite amount ≥ 0',
      'connector "demo_store": priceModel.keys.freeKeyVersions must be a whole number ≥ 0',
    ]);
    expect(withPrices({ ...sound, keys: { basis: "per_key_version_month", prices: [] } })).toEqual(['connector "demo_store": priceModel.keys.prices must list at least one key version price']);
    expect(withPrices({ ...sound, keys: { basis: "not_per_key", note: " " } })).toEqual(['connector "demo_store": priceModel.keys.note must say what the cloud charges instead of keys']);
    expect(withPrices({ ...sound, keys: { basis: "per_crypto_unit" }, operations: { per10k: Number.NaN } })).toEqual([
      'connector "demo_store": priceModel.keys.basis must be "per_key_version_month" or "not_per_key"',
      'connector "demo_store": priceModel.operations.per10k must be a finite amount ≥ 0',
    ]);
    expect(withPrices("cheap")).toEqual(['connector "demo_store": priceModel must be an object']);
  });

  it("accepts a valid definition", () => {
    expect(validateConnectorDefinition(defineConnector(valid))).toEqual([]);
  });

  it("refuses bad flag combinations, duplicates and missing texts, naming connector and property", () => {
    const problems = validateConnectorDefinition(
      defineConnector({
        ...valid,
        description: "",
        properties: [
          ...valid.properties,
          { ...property.string("demo_both", { label: "Both", description: "x", secret: true, derived: true }) },
          { ...property.string("demo_req", { label: "Req", description: "x", required: true, derived: true }) },
          property.string("demo_secret", { label: "Again", description: "dup" }),
          property.string("demo_nolabel", { label: "", description: "x" }),
        ],
        identifyingProperties: ["demo_secret", "nope"],
        identityFallbackProperties: ["demo_secret", "demo_nolabel", "gone"],
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'connector "demo_store": description is missing',
        'connector "demo_store", property "demo_both": cannot be both secret and derived: a derived value is shown, a secret never is',
        'connector "demo_store", property "demo_req": cannot be both required and derived: users do not supply derived values',
        'connector "demo_store", property "demo_secret": is declared twice',
        'connector "demo_store", property "demo_nolabel": label is missing',
        'connector "demo_store": identifying property "nope" is not declared',
        'connector "demo_store": identity fallback property "demo_nolabel" must be required',
        'connector "demo_store": identity fallback property "gone" is not declared',
      ]),
    );
  });

  it("refuses GraphQL names that collide: properties equal after camel-casing, gateway type names, keystore fields", () => {
    const named = (type: string, names: string[]) =>
      validateConnectorDefinition(
        defineConnector({ ...valid, type, properties: [...valid.properties, ...names.map((n) => property.string(n, { label: n, description: "x" }))] }),
      );
    expect(named("demo_store", ["dir_1", "dir1"])).toEqual([
      'connector "demo_store": properties "dir_1" and "dir1" both become the GraphQL field dir1; rename one',
    ]);
    expect(named("unloaded", [])).toEqual([
      'connector "unloaded": type "unloaded" would name its GraphQL type UnloadedKeystore, which the gateway already defines; choose another type id',
    ]);
    expect(named("keystore", []).join("\n")).toContain("KeystorePropertiesInput, which the gateway already defines");
    expect(named("demo_store", ["created_at"])).toEqual([
      'connector "demo_store": property "created_at" would become the GraphQL field createdAt, which every keystore already has; rename it',
    ]);
    expect(connectorGraphqlNames("aws_kms")).toEqual({ inputField: "awsKms", typePrefix: "AwsKms", keystoreType: "AwsKmsKeystore", propertiesInputType: "AwsKmsPropertiesInput" });
  });

  it("refuses another contract version and things that are not definitions", () => {
    expect(validateConnectorDefinition({ ...defineConnector(valid), contractVersion: 99 })[0]).toContain("contract version 99");
    expect(validateConnectorDefinition(undefined)[0]).toContain("not a connector definition");
  });
});

describe("property validation", () => {
  it("normalises, checks patterns and lengths, and refuses derived and unknown values", () => {
    const { values, issues } = validateProperties(valid.properties, { demo_region: "eu_1", demo_secret: "x".repeat(11), demo_derived: "set", other: "y" });
    expect(values.demo_region).toBe("eu-1");
    expect(issues.map((i) => [i.property, i.code])).toEqual([
      ["other", "UNKNOWN"],
      ["demo_secret", "TOO_LONG"],
      ["demo_derived", "DERIVED"],
    ]);
  });

  it("reports missing required values unless partial", () => {
    expect(validateProperties(valid.properties, {}).issues.map((i) => i.code)).toEqual(["REQUIRED", "REQUIRED"]);
    expect(validateProperties(valid.properties, {}, { partial: true }).issues).toEqual([]);
  });
});

describe("redacting logger", () => {
  it("removes every secret from messages and nested fields", () => {
    const lines: unknown[] = [];
    const sink = { debug: () => {}, info: (m: string, f?: unknown) => lines.push([m, f]), warn: () => {}, error: () => {} };
    const logger = createRedactingLogger(sink, ["s3cr3t", "s3cr3t-longer"]);
    logger.info("key s3cr3t-longer used", { nested: { list: ["a s3cr3t b"] }, error: new Error("bad s3cr3t") });
    expect(JSON.stringify(lines)).not.toContain("s3cr3t");
    expect(JSON.stringify(lines)).toContain("[REDACTED]");
  });
});
