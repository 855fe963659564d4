import { defineConnector, property, type ConnectorSpec } from "@uko/connector-sdk";
import { describe, expect, it } from "vitest";
import { lintConnectorDefinition } from "../src/index.js";

const base: ConnectorSpec = {
  type: "lint_demo",
  displayName: "Lint demo",
  description: "A definition to lint.",
  properties: [
    property.string("demo_dir", { label: "Directory", description: "Where.", required: true, immutable: true }),
    property.string("demo_passphrase", { label: "Passphrase", description: "Seals the keys.", required: true, secret: true, minLength: 8 }),
  ],
  identifyingProperties: ["demo_dir"],
  requiredPermissions: [],
  capabilities: { algorithms: [], operations: [] },
  connect: () => ({ test: async () => ({ checks: [] }) }),
};
const lint = (spec: Partial<ConnectorSpec>, notSecret?: string[]) => lintConnectorDefinition(defineConnector({ ...base, ...spec }), notSecret ? { notSecret } : {});

describe("the static lint", () => {
  it("passes a sound definition", () => {
    expect(lint({})).toEqual([]);
  });

  it("checks a declared price model: the SDK's rules, then https, a date not in the future, distinct labels", () => {
    const priceModel = {
      currency: "USD" as const,
      sourceUrl: "https://example.com/pricing",
      asOf: "2026-11-01",
      keys: { basis: "per_key_version_month" as const, prices: [{ label: "HSM key", protection: "hsm" as const, monthly: 1 }] },
    };
    expect(lint({ priceModel })).toEqual([]);
    expect(lint({ priceModel: { ...priceModel, asOf: "2026-13-45" } })).toEqual(['connector "lint_demo": priceModel.asOf must be the date the prices were read, YYYY-MM-DD']);
    const dup = { ...priceModel.keys, prices: [...priceModel.keys.prices, { label: "HSM key", protection: "software" as const, monthly: 0.06 }] };
    expect(lint({ priceModel: { ...priceModel, sourceUrl: "http://example.com/pricing", asOf: "2999-01-01", keys: dup } })).toEqual([
      'connector "lint_demo": priceModel.sourceUrl http://example.com/pricing is not https',
      'connector "lint_demo": priceModel.asOf 2999-01-01 is in the future: give the day the prices were read',
      'connector "lint_demo": priceModel.keys.prices has two prices labelled "HSM key"',
    ]);
  });

  it("refuses properties that collide after camel-casing, as the gateway would", () => {
    const properties = [...base.properties, property.string("dir_1", { label: "A", description: "a" }), property.string("dir1", { label: "B", description: "b" })];
    expect(lint({ properties })).toEqual(['connector "lint_demo": properties "dir_1" and "dir1" both become the GraphQL field dir1; rename one']);
  });

  it("refuses a type id that takes a gateway type name, and a property that takes a Keystore field", () => {
    expect(lint({ type: "unloaded" }).join("\n")).toContain("UnloadedKeystore, which the gateway already defines");
    const properties = [...base.properties, property.string("updated_at", { label: "U", description: "u" })];
    expect(lint({ properties }).join("\n")).toContain("GraphQL field updatedAt, which every keystore already has");
  });

  it("refuses secret-looking names that are not secret, unless opted out", () => {
    const properties = [...base.properties, ...["api_key", "client_secret", "db_password", "auth_token", "service_credentials"].map((n) => property.string(n, { label: n, description: n }))];
    const problems = lint({ properties });
    expect(problems).toHaveLength(5);
    expect(problems[0]).toBe('connector "lint_demo": property "api_key" looks like a credential but is not secret: mark it secret, or list it in lint.notSecret if it is not one (e.g. a key id)');
    expect(lint({ properties }, ["api_key", "client_secret", "db_password", "auth_token", "service_credentials"])).toEqual([]);
    expect(lint({}, ["nope"])).toEqual(['connector "lint_demo": lint.notSecret names "nope", which is not a property']);
  });

  it("refuses missing descriptions, bad flag combinations and defaults that break their own rules", () => {
    const problems = lint({
      properties: [
        ...base.properties,
        property.string("demo_empty", { label: "Empty", description: " " }),
        { ...property.string("demo_both", { label: "Both", description: "x" }), secret: true, derived: true },
        property.string("demo_req", { label: "Req", description: "x", required: true, default: "a" }),
        property.string("demo_pat", { label: "Pat", description: "x", pattern: "[a-z]+", default: "A1" }),
      ],
      rotation: "new_key",
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'connector "lint_demo", property "demo_empty": description is missing',
        'connector "lint_demo", property "demo_both": cannot be both secret and derived: a derived value is shown, a secret never is',
        'connector "lint_demo": property "demo_req" is required and has a default: the default never applies; make it optional',
        'connector "lint_demo": property "demo_pat" has a pattern but no patternMessage saying what is allowed',
        'connector "lint_demo": property "demo_pat": its default A1 breaks its own rules (Pat has characters that are not allowed)',
        'connector "lint_demo": declares rotation "new_key" but not the rotate operation',
      ]),
    );
  });
});
