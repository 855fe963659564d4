import { describe, expect, it } from "vitest";
import { fieldsFor, initialValues, MULTILINE_MIN_LENGTH, propertiesInput, toPropertyValues } from "./descriptors.ts";
import { testType } from "./fixtures.ts";

describe("fields from descriptors", () => {
  it("renders each value type as its input, secrets as passwords, with labels and marks", () => {
    const fields = Object.fromEntries(fieldsFor(testType, "connect").map((f) => [f.name, f]));
    expect(fields.region).toMatchObject({ kind: "text", label: "Region", required: true, locked: true, readOnly: false, identifying: true });
    expect(fields.api_secret).toMatchObject({ kind: "password", secret: true, required: true });
    expect(fields.tier).toMatchObject({ kind: "select", options: ["standard", "premium"] });
    expect(fields.retries).toMatchObject({ kind: "number", minimum: 0, maximum: 5 });
    expect(fields.fips).toMatchObject({ kind: "checkbox" });
    expect(fields.key_file).toMatchObject({ kind: "file", accept: ".json", maxBytes: 4096 });
    expect(fields.project_id).toMatchObject({ readOnly: true, derived: true });
  });

  it("folds optional properties without a default under Advanced; long text is multi-line; a secret file stays a file", () => {
    const extra = testType.properties.find((d) => d.name === "region")!;
    const type = {
      ...testType,
      properties: [
        ...testType.properties.map((d) => (d.name === "key_file" ? { ...d, secret: true, required: true } : d)),
        { ...extra, name: "trusted_ca", graphqlName: "trustedCa", label: "Trusted CA", required: false, immutable: false, identifying: false, pattern: null, minLength: null, maxLength: MULTILINE_MIN_LENGTH },
      ],
    };
    const fields = Object.fromEntries(fieldsFor(type, "connect").map((f) => [f.name, f]));
    expect(fields.key_file).toMatchObject({ kind: "file", secret: true, advanced: false });
    expect(fields.trusted_ca).toMatchObject({ kind: "textarea", advanced: true });
    expect(fields.retries!.advanced).toBe(true);
    // Required, defaulted and derived ones stay in view.
    expect([fields.region, fields.tier, fields.fips, fields.project_id].map((f) => f!.advanced)).toEqual([false, false, false, false]);
  });

  it("when editing, locks immutable properties and says an empty secret keeps the stored one", () => {
    const stored = [
      { name: "region", value: "eu-west-1", isSet: true, secret: false, immutable: true, derived: false },
      { name: "api_secret", value: null, isSet: true, secret: true, immutable: false, derived: false },
      { name: "project_id", value: "p-1", isSet: true, secret: false, immutable: false, derived: true },
    ];
    const fields = Object.fromEntries(fieldsFor(testType, "edit", stored).map((f) => [f.name, f]));
    expect(fields.region).toMatchObject({ readOnly: true, locked: true, current: "eu-west-1" });
    expect(fields.api_secret).toMatchObject({ readOnly: false, placeholder: "Set — leave empty to keep it", current: null });
    expect(fields.project_id).toMatchObject({ readOnly: true, current: "p-1" });
    expect(initialValues(testType, "edit", stored)).toMatchObject({ region: "eu-west-1", api_secret: "", project_id: "p-1" });
  });

  it("starts a new form from the descriptors' defaults", () => {
    expect(initialValues(testType, "connect")).toEqual({ region: "", api_secret: "", tier: "standard", retries: "", fips: false, key_file: "", project_id: "" });
  });

  it("sends typed values by GraphQL name, never derived ones, and leaves empty ones out", () => {
    const values = toPropertyValues(testType, { region: "us-east-1", api_secret: "s3cret", tier: "premium", retries: "3", fips: true, key_file: "", project_id: "x" });
    expect(values).toEqual({ region: "us-east-1", api_secret: "s3cret", tier: "premium", retries: 3, fips: true });
    expect(propertiesInput(testType, values)).toEqual({ testKms: { region: "us-east-1", apiSecret: "s3cret", tier: "premium", retries: 3, fips: true } });
  });

  it("when editing, sends only changed mutable values: no locked property, no empty secret", () => {
    const stored = [
      { name: "region", value: "eu-west-1", isSet: true, secret: false, immutable: true, derived: false },
      { name: "tier", value: "standard", isSet: true, secret: false, immutable: false, derived: false },
      { name: "api_secret", value: null, isSet: true, secret: true, immutable: false, derived: false },
    ];
    expect(toPropertyValues(testType, { region: "us-west-2", tier: "standard", api_secret: "", retries: "2" }, "edit", stored)).toEqual({ retries: 2 });
    expect(toPropertyValues(testType, { region: "eu-west-1", tier: "premium", api_secret: "new" }, "edit", stored)).toEqual({ tier: "premium", api_secret: "new" });
  });
});
