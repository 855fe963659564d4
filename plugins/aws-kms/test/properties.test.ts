import { readFileSync } from "node:fs";
import { validateConnectorDefinition, validateProperties } from "@uko/connector-sdk";
import { describe, expect, it } from "vitest";
import awsKms from "../src/index.js";
import { iamPolicy, AWS_PERMISSIONS } from "../src/permissions.js";

const valid = { aws_region: "us-east-1", aws_access_key_id: "EMUKTESTEXAMPLE00001", aws_secret_access_key: "test/Secret+Value0000000000000000000000000=" };
const check = (given: Record<string, string>) => validateProperties(awsKms.properties, { ...valid, ...given }, { applyDefaults: true });

describe("aws_kms properties", () => {
  it("passes the SDK's definition checks", () => {
    expect(validateConnectorDefinition(awsKms)).toEqual([]);
    expect(awsKms.type).toBe("aws_kms");
    expect(awsKms.displayName).toBe("AWS keystore");
  });

  it("accepts UKO's underscore region spelling and stores AWS's", () => {
    for (const [given, stored] of [
      ["us_east_1", "us-east-1"],
      ["EU_CENTRAL_1", "eu-central-1"],
      ["us-gov-west-1", "us-gov-west-1"],
      [" ap_southeast_5 ", "ap-southeast-5"],
    ]) {
      const result = check({ aws_region: given! });
      expect(result.issues).toEqual([]);
      expect(result.values.aws_region).toBe(stored);
    }
  });

  it("names each bad property", () => {
    const result = check({ aws_region: "mars", aws_access_key_id: "AKIA EXAMPLE", aws_secret_access_key: "x".repeat(513) });
    expect(result.issues.map((i) => [i.property, i.code]).sort()).toEqual([
      ["aws_access_key_id", "PATTERN"],
      ["aws_region", "TOO_SHORT"],
      ["aws_secret_access_key", "TOO_LONG"],
    ]);
    expect(check({ aws_region: "us-east-one" }).issues[0]?.message).toMatch(/AWS region name/);
    const missing = validateProperties(awsKms.properties, {}, {});
    expect(missing.issues.map((i) => i.property).sort()).toEqual(["aws_access_key_id", "aws_region", "aws_secret_access_key"]);
  });

  it("takes an https endpoint, or http only on loopback, and nothing but scheme, host and port", () => {
    expect(check({ aws_endpoint: "https://kms-fips.us-east-1.amazonaws.com" }).issues).toEqual([]);
    expect(check({ aws_endpoint: "http://127.0.0.1:4566" }).issues).toEqual([]);
    for (const bad of ["http://kms.example.com", "kms.example.com", "https://user:pw@kms.example.com", "https://kms.example.com/path?x=1"]) {
      expect(check({ aws_endpoint: bad }).issues.map((i) => i.property), bad).toEqual(["aws_endpoint"]);
    }
  });

  it("locks the region, keeps the secret write-only, and identifies by region plus account", () => {
    const flags = Object.fromEntries(awsKms.properties.map((p) => [p.name, { immutable: p.immutable, secret: p.secret, required: p.required }]));
    expect(flags.aws_region).toEqual({ immutable: true, secret: false, required: true });
    expect(flags.aws_secret_access_key).toEqual({ immutable: false, secret: true, required: true });
    expect(flags.aws_endpoint).toEqual({ immutable: false, secret: false, required: false });
    expect(awsKms.identifyingProperties).toEqual(["aws_region"]);
    expect(awsKms.identityFallbackProperties).toEqual(["aws_access_key_id"]);
  });

  it("the README's IAM policy allows exactly the permissions the connector declares", () => {
    const policy = JSON.parse(iamPolicy());
    expect(policy.Statement[0].Action).toEqual(AWS_PERMISSIONS.map((p) => p.name));
    expect(AWS_PERMISSIONS.length).toBe(21);
    const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
    expect(readme).toContain("```json\n" + iamPolicy() + "\n```");
  });
});
