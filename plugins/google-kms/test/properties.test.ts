import { generateKeyPairSync } from "node:crypto";
import { ConnectorError, validateProperties, type PropertyValues } from "@uko/connector-sdk";
import { describe, expect, it } from "vitest";
import googleKms from "../src/index.js";
import { GOOGLE_PERMISSIONS } from "../src/permissions.js";
import { keyFileBase64 } from "./target.js";

const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const keyFile = {
  type: "service_account",
  project_id: "acme-keys-prod",
  private_key_id: "0123456789abcdef0123456789abcdef01234567",
  private_key: privateKey,
  client_email: "uko-gateway@acme-keys-prod.iam.gserviceaccount.com",
  client_id: "104729384756",
  token_uri: "https://oauth2.googleapis.com/token",
};
const valid = (file: object = keyFile) => ({ google_credentials: keyFileBase64(file), google_location: "europe-west3", google_key_ring: "uko-ring" });
const check = (given: Record<string, string>) => validateProperties(googleKms.properties, given, { applyDefaults: true });
const messageFor = (given: Record<string, string>, property: string) => check(given).issues.find((i) => i.property === property)?.message;

describe("google_kms definition", () => {
  // The SDK's definition check (the gateway's) and the kit's lint run in test/conformance.test.ts.
  it("declares what the gateway shows", () => {
    expect(googleKms.type).toBe("google_kms");
    expect(googleKms.displayName).toBe("Google Cloud KMS keystore");
    expect(googleKms.identifyingProperties).toEqual(["google_project_id", "google_location", "google_key_ring"]);
    expect(googleKms.rotation).toBe("new_version");
    expect(googleKms.description).toMatch(/never deletes key rings or crypto keys/);
    expect(GOOGLE_PERMISSIONS.every((p) => p.name.startsWith("cloudkms."))).toBe(true);
  });

  it("the JSON key file is a required secret file of at most 4 KB ending in .json; project and key id are derived and shown", () => {
    const byName = Object.fromEntries(googleKms.properties.map((p) => [p.name, p]));
    expect(byName.google_credentials).toMatchObject({ valueType: "file", required: true, secret: true, accept: [".json"], maxBytes: 4096 });
    expect(byName.google_project_id).toMatchObject({ derived: true, immutable: true, secret: false });
    expect(byName.google_private_key_id).toMatchObject({ derived: true, immutable: false, secret: false });
    for (const locked of ["google_location", "google_key_ring"]) expect(byName[locked]).toMatchObject({ immutable: true, required: true });
    expect(byName.google_api_endpoint).toMatchObject({ required: false });
    expect(byName.google_trusted_ca).toMatchObject({ required: false, secret: false });
  });
});

describe("google_kms JSON key file rules", () => {
  it("accepts a service-account key and derives the project and private key id", async () => {
    const result = check(valid());
    expect(result.issues).toEqual([]);
    expect(await googleKms.derive!(result.values)).toEqual({ google_project_id: "acme-keys-prod", google_private_key_id: keyFile.private_key_id });
  });

  it("refuses a file larger than 4 KB (size)", () => {
    const big = { ...keyFile, padding: "x".repeat(4096) };
    expect(messageFor(valid(big), "google_credentials")).toMatch(/at most 4096 bytes/);
  });

  it("refuses content that is not base64 or not JSON (shape)", () => {
    expect(messageFor({ ...valid(), google_credentials: "not base64!" }, "google_credentials")).toMatch(/base64/);
    expect(messageFor({ ...valid(), google_credentials: Buffer.from("{not json").toString("base64") }, "google_credentials")).toMatch(/not valid JSON/);
    expect(messageFor({ ...valid(), google_credentials: Buffer.from("[1]").toString("base64") }, "google_credentials")).toMatch(/JSON object/);
  });

  it("names each missing or wrong field of the key file, and never quotes the private key", () => {
    for (const field of ["type", "project_id", "private_key_id", "private_key", "client_email"]) {
      const { [field]: _dropped, ...rest } = keyFile as Record<string, string>;
      expect(messageFor(valid(rest), "google_credentials"), field).toContain(`"${field}" is missing`);
    }
    expect(messageFor(valid({ ...keyFile, type: "authorized_user" }), "google_credentials")).toMatch(/"type" must be "service_account"/);
    expect(messageFor(valid({ ...keyFile, project_id: "Bad Project" }), "google_credentials")).toMatch(/"project_id" is not a Google Cloud project id/);
    expect(messageFor(valid({ ...keyFile, private_key_id: "xyz" }), "google_credentials")).toMatch(/"private_key_id" must be 40 hexadecimal digits/);
    expect(messageFor(valid({ ...keyFile, client_email: "nobody" }), "google_credentials")).toMatch(/"client_email"/);
    const badKey = messageFor(valid({ ...keyFile, private_key: ["-----BEGIN RSA", "PRIVATE KEY-----\nsecretbytes\n-----END RSA", "PRIVATE KEY-----"].join(" ") }), "google_credentials");
    expect(badKey).toMatch(/"private_key" must be the PEM PKCS#8 private key/);
    expect(badKey).not.toContain("secretbytes");
    // Several problems at once are all named.
    const many = messageFor(valid({ type: "service_account", project_id: "acme-keys-prod" }), "google_credentials")!;
    for (const field of ["private_key_id", "private_key", "client_email"]) expect(many).toContain(`"${field}" is missing`);
  });

  it("derive refuses an unusable file as INVALID_PROPERTIES on the key file", async () => {
    const error = await Promise.resolve()
      .then(() => googleKms.derive!({ ...valid(), google_credentials: Buffer.from("{}").toString("base64") }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe("INVALID_PROPERTIES");
    expect((error as ConnectorError).properties).toEqual(["google_credentials"]);
  });

  it("a replacement key file must be of the same project (a typed error otherwise); the private key id may change", async () => {
    const previous: PropertyValues = { ...valid(), google_project_id: "acme-keys-prod", google_private_key_id: keyFile.private_key_id };
    const sameProject = { ...keyFile, private_key_id: "fedcba9876543210fedcba9876543210fedcba98" };
    const session = await googleKms.connect({ ...valid(sameProject) }, undefined as never);
    await expect(session.onPropertiesChanged!(previous, undefined as never)).resolves.toBeUndefined();
    await session.close?.();

    const otherProject = { ...keyFile, project_id: "someone-else", client_email: "x@someone-else.iam.gserviceaccount.com" };
    const moved = await googleKms.connect({ ...valid(otherProject) }, undefined as never);
    const error = await moved.onPropertiesChanged!(previous, undefined as never).catch((e: unknown) => e);
    await moved.close?.();
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe("INVALID_PROPERTIES");
    expect((error as ConnectorError).properties).toEqual(["google_credentials"]);
    expect((error as ConnectorError).message).toMatch(/project someone-else.*project acme-keys-prod/);
  });
});

describe("google_kms other properties", () => {
  it("location takes Google's spelling (UKO's underscores accepted), key ring Google's id rules", () => {
    expect(check({ ...valid(), google_location: "EUROPE_WEST3" }).values.google_location).toBe("europe-west3");
    expect(check({ ...valid(), google_location: "global" }).issues).toEqual([]);
    expect(messageFor({ ...valid(), google_location: "europe west" }, "google_location")).toMatch(/Cloud KMS location/);
    expect(messageFor({ ...valid(), google_key_ring: "ring/1" }, "google_key_ring")).toMatch(/letters, digits/);
    expect(messageFor({ ...valid(), google_key_ring: "r".repeat(64) }, "google_key_ring")).toMatch(/at most 63/);
  });

  it("the advanced endpoint is host[:port] and the trusted CA PEM certificates", () => {
    expect(check({ ...valid(), google_api_endpoint: "127.0.0.1:8443" }).issues).toEqual([]);
    expect(check({ ...valid(), google_api_endpoint: "kms-private.p.googleapis.com" }).issues).toEqual([]);
    expect(messageFor({ ...valid(), google_api_endpoint: "http://x y" }, "google_api_endpoint")).toMatch(/API endpoint must be/);
    expect(messageFor({ ...valid(), google_trusted_ca: "hello" }, "google_trusted_ca")).toMatch(/PEM certificates/);
  });

  it("template options: destroy-scheduled duration 1-120 days (the deletion window), HSM by default, RSA usage sign or decrypt", () => {
    expect(googleKms.deletionWindowOption).toBe("google_destroy_scheduled_days");
    const options = validateProperties(googleKms.templateOptions!, {}, { applyDefaults: true });
    expect(options.values).toEqual({ google_destroy_scheduled_days: 30, google_protection_level: "HSM", google_asymmetric_usage: "sign" });
    expect(validateProperties(googleKms.templateOptions!, { google_destroy_scheduled_days: 121 }).issues[0]?.code).toBe("RANGE");
  });
});
