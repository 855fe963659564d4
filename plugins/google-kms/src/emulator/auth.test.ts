import { createPrivateKey, sign } from "node:crypto";
import { credentials, Metadata, status } from "@grpc/grpc-js";
import { KeyManagementServiceClient } from "@google-cloud/kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGoogleKmsEmulator, type GoogleKmsEmulator, type ServiceAccountKeyFile } from "./index.js";

/**
 * The emulator verifies the bearer the SDK sends: a self-signed RS256 JWT (sdk-loopback §4.2).
 * These tests send hand-made JWTs through the real client, with call credentials of their own.
 */
let emulator: GoogleKmsEmulator;
let ring: string;
beforeAll(async () => {
  emulator = await startGoogleKmsEmulator();
  ring = `projects/${emulator.projectId}/locations/${emulator.location}/keyRings/uko`;
});
afterAll(() => emulator?.close());

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

function jwt(keyFile: ServiceAccountKeyFile, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, signingKey = keyFile.private_key): string {
  const now = Math.floor(Date.now() / 1000);
  const head = b64({ alg: "RS256", typ: "JWT", kid: keyFile.private_key_id, ...header });
  const body = b64({ iss: keyFile.client_email, sub: keyFile.client_email, aud: "https://cloudkms.googleapis.com/", iat: now, exp: now + 3600, ...claims });
  const signature = sign("sha256", Buffer.from(`${head}.${body}`), createPrivateKey(signingKey)).toString("base64url");
  return `${head}.${body}.${signature}`;
}

/** GetKeyRing with `authorization: <value>` (or none), through the real client over TLS. */
async function getKeyRingWith(authorization: string | undefined): Promise<number> {
  const callCreds = credentials.createFromMetadataGenerator((_params, callback) => {
    const metadata = new Metadata();
    if (authorization !== undefined) metadata.set("authorization", authorization);
    callback(null, metadata);
  });
  const client = new KeyManagementServiceClient({
    apiEndpoint: emulator.host,
    port: emulator.port,
    "grpc.ssl_target_name_override": "localhost",
    sslCreds: credentials.combineChannelCredentials(credentials.createSsl(Buffer.from(emulator.caPem)), callCreds),
    credentials: { client_email: "unused@example.com", private_key: "unused" },
  });
  try {
    await client.getKeyRing({ name: ring }, { timeout: 5000, retry: { retryCodes: [] } as never });
    return status.OK;
  } catch (error) {
    return (error as { code: number }).code;
  } finally {
    await client.close();
  }
}

describe("Google KMS emulator authentication", () => {
  it("accepts a JWT signed with the account's key, for Cloud KMS's audience or a Cloud KMS scope", async () => {
    expect(await getKeyRingWith(`Bearer ${jwt(emulator.keyFile)}`)).toBe(status.OK);
    expect(await getKeyRingWith(`Bearer ${jwt(emulator.keyFile, { aud: undefined, scope: "https://www.googleapis.com/auth/cloud-platform" })}`)).toBe(status.OK);
  });

  it("refuses everything else as UNAUTHENTICATED", async () => {
    const other = emulator.addServiceAccount({ name: "uko-auth-other", permissions: "*" });
    const now = Math.floor(Date.now() / 1000);
    const cases: Record<string, string | undefined> = {
      "no authorization": undefined,
      "not a bearer": `Basic ${Buffer.from("a:b").toString("base64")}`,
      "garbage": "Bearer abc.def.ghi",
      "signed with another key": `Bearer ${jwt(emulator.keyFile, {}, {}, other.private_key)}`,
      "unknown key id": `Bearer ${jwt(emulator.keyFile, {}, { kid: "0".repeat(40) })}`,
      "issuer of another account": `Bearer ${jwt(emulator.keyFile, { iss: other.client_email, sub: other.client_email })}`,
      "expired": `Bearer ${jwt(emulator.keyFile, { iat: now - 7200, exp: now - 3600 })}`,
      "issued in the future": `Bearer ${jwt(emulator.keyFile, { iat: now + 3600, exp: now + 7200 })}`,
      "valid too long": `Bearer ${jwt(emulator.keyFile, { exp: now + 86_400 })}`,
      "another audience": `Bearer ${jwt(emulator.keyFile, { aud: "https://storage.googleapis.com/" })}`,
      "no audience nor scope": `Bearer ${jwt(emulator.keyFile, { aud: undefined })}`,
      "HS256": `Bearer ${jwt(emulator.keyFile, {}, { alg: "HS256" })}`,
    };
    for (const [what, authorization] of Object.entries(cases)) expect(await getKeyRingWith(authorization), what).toBe(status.UNAUTHENTICATED);
  });

  it("a deleted key is refused from then on; the account's other keys still work", async () => {
    const first = emulator.addServiceAccount({ name: "uko-auth-rotate", permissions: "*" });
    const second = emulator.addServiceAccount({ name: "uko-auth-rotate", permissions: "*" });
    emulator.deleteServiceAccountKey(first.private_key_id);
    expect(await getKeyRingWith(`Bearer ${jwt(first)}`)).toBe(status.UNAUTHENTICATED);
    expect(await getKeyRingWith(`Bearer ${jwt(second)}`)).toBe(status.OK);
    expect(emulator.inspect.requests().at(-1)).toEqual({ method: "GetKeyRing", caller: second.client_email, code: status.OK });
  });

  it("checks each method's permission before looking the resource up", async () => {
    const reader = emulator.addServiceAccount({ name: "uko-auth-reader", permissions: ["cloudkms.keyRings.get"] });
    expect(await getKeyRingWith(`Bearer ${jwt(reader)}`)).toBe(status.OK);
    const nobody = emulator.addServiceAccount({ name: "uko-auth-nobody", permissions: [] });
    expect(await getKeyRingWith(`Bearer ${jwt(nobody)}`)).toBe(status.PERMISSION_DENIED);
  });
});
