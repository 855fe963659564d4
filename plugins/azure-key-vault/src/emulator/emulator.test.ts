import { randomUUID } from "node:crypto";
import type { KeyClient, KeyVaultKey } from "@azure/keyvault-keys";
import type { KeySpec } from "@uko/connector-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transferBlob } from "../../test/byok.js";
import { materialFor } from "../../test/materials.js";
import { sdkClient } from "../../test/sdk-clients.js";
import { startAzureKeyVaultEmulator, type AzureKeyVaultEmulator } from "./index.js";

let emulator: AzureKeyVaultEmulator;
let client: KeyClient;
let kek: KeyVaultKey;
beforeAll(async () => {
  emulator = await startAzureKeyVaultEmulator({ softDeleteRetentionDays: 7 });
  client = sdkClient(emulator);
  kek = await client.createKey("kek", "RSA-HSM", { keySize: 2048, keyOps: ["import"] });
});
afterAll(() => emulator?.close());

const name = (what: string) => `${what}-${randomUUID().slice(0, 8)}`;
async function rejection(promise: Promise<unknown>): Promise<Error & { statusCode?: number; code?: string }> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  return error as Error & { statusCode?: number; code?: string };
}

describe("Entra ID token endpoint", () => {
  it("a wrong secret is AADSTS7000215, an unknown app AADSTS700016, an unknown tenant AADSTS90002", async () => {
    const principal = emulator.principals[0]!;
    const wrongSecret = await rejection(sdkClient(emulator, { ...principal, clientSecret: "not-the-secret" }).getKey("kek"));
    expect(wrongSecret.message).toContain("AADSTS7000215");
    expect(wrongSecret.message).not.toContain("not-the-secret");
    const unknownApp = await rejection(sdkClient(emulator, { ...principal, clientId: randomUUID() }).getKey("kek"));
    expect(unknownApp.message).toContain("AADSTS700016");
    const otherTenant = randomUUID();
    emulator.setPrincipal({ clientId: "lost-app", clientSecret: "s", tenantId: otherTenant });
    const unknownTenant = await rejection(sdkClient(emulator, { clientId: "lost-app", clientSecret: "s" }, randomUUID()).getKey("kek"));
    expect(unknownTenant.message).toMatch(/AADSTS90002|tenant/);
    const tokenErrors = emulator.inspect.requests().filter((r) => r.operation === "token" && r.status >= 400).map((r) => r.errorCode);
    expect(tokenErrors).toEqual(expect.arrayContaining(["invalid_client", "unauthorized_client"]));
  });

  it("the vault answers the challenge, and a token past its expiry on the emulator's clock is refused with a new challenge", async () => {
    // Its own emulator: moving the clock makes every cached token stale.
    const own = await startAzureKeyVaultEmulator();
    try {
      const fresh = sdkClient(own);
      await rejection(fresh.getKey("none"));
      expect(own.inspect.requests().map((r) => `${r.operation} ${r.status}`)).toEqual(["getKey 401", "discovery 200", "token 200", "getKey 404"]);
      own.clock.advance(3600_000);
      // The SDK still holds the token (its own clock says it is fresh): the vault's 401 is all it gets.
      const expired = await rejection(fresh.getKey("none"));
      expect(expired.statusCode).toBe(401);
      expect(own.inspect.requests().at(-1)).toMatchObject({ operation: "getKey", status: 401, errorCode: "Unauthorized" });
    } finally {
      await own.close();
    }
  });
});

describe("access policies", () => {
  it("a principal without a permission gets 403 Forbidden naming it, before the key is looked up", async () => {
    const limited = { clientId: randomUUID(), clientSecret: "limited.secret", permissions: ["get", "list"] as const };
    emulator.setPrincipal({ ...limited, permissions: [...limited.permissions] });
    const c = sdkClient(emulator, limited);
    const denied = await rejection(c.beginDeleteKey("does-not-exist"));
    expect(denied.statusCode).toBe(403);
    expect(denied.message).toContain("does not have keys delete permission");
    const missing = await rejection(c.getKey("does-not-exist"));
    expect(missing.statusCode).toBe(404);
    expect(missing.code).toBe("KeyNotFound");
  });
});

describe("BYOK import (key_hsm)", () => {
  const specs: { spec: KeySpec; kty: "RSA-HSM" | "EC-HSM"; crv?: "P-256" | "P-521" }[] = [
    { spec: { algorithm: "rsa", size: "2048" }, kty: "RSA-HSM" },
    { spec: { algorithm: "rsa", size: "3072" }, kty: "RSA-HSM" },
    { spec: { algorithm: "ec", size: "P-256" }, kty: "EC-HSM", crv: "P-256" },
    { spec: { algorithm: "ec", size: "P-521" }, kty: "EC-HSM", crv: "P-521" },
  ];
  for (const { spec, kty, crv } of specs) {
    it(`${spec.algorithm} ${spec.size}: unwrapped with the KEK and held exactly`, async () => {
      const material = materialFor(spec);
      const keyName = name("imported");
      const imported = await client.importKey(keyName, { kty, ...(crv ? { crv } : {}), keyOps: ["sign", "verify"], t: transferBlob(kek, material.bytes) }, { tags: { "uko:managed-key-id": "m1" } });
      expect(imported.key?.kty).toBe(kty);
      expect(imported.properties.tags).toEqual({ "uko:managed-key-id": "m1" });
      expect(emulator.inspect.keyHoldsMaterial(keyName, material.bytes)).toBe(true);
      expect(emulator.inspect.keyHoldsMaterial(keyName, materialFor(spec).bytes)).toBe(false);
    });
  }

  it("refuses material of another type than declared, a blob wrapped with SHA-256, an unversioned kid, and a key that is not a KEK", async () => {
    const rsa = materialFor({ algorithm: "rsa", size: "2048" });
    const wrongType = await rejection(client.importKey(name("x"), { kty: "EC-HSM", crv: "P-256", t: transferBlob(kek, rsa.bytes) }));
    expect(wrongType.message).toMatch(/rsa key, but the request declared EC-HSM/);
    const sha256 = await rejection(client.importKey(name("x"), { kty: "RSA-HSM", t: transferBlob(kek, rsa.bytes, "sha256") }));
    expect(sha256.message).toMatch(/could not be unwrapped/);
    const unversioned = { ...kek, id: kek.id!.replace(/\/[^/]+$/, "") } as KeyVaultKey;
    const noVersion = await rejection(client.importKey(name("x"), { kty: "RSA-HSM", t: transferBlob(unversioned, rsa.bytes) }));
    expect(noVersion.message).toMatch(/versioned id/);
    const plain = await client.createKey(name("plain"), "RSA-HSM", { keySize: 2048 });
    const notKek = await rejection(client.importKey(name("x"), { kty: "RSA-HSM", t: transferBlob(plain, rsa.bytes) }));
    expect(notKek.message).toMatch(/not a key exchange key/);
    expect(notKek.statusCode).toBe(400);
  });

  it("importing again under a name adds a version; the old one keeps its material", async () => {
    const keyName = name("rotated");
    const first = materialFor({ algorithm: "ec", size: "P-384" });
    const second = materialFor({ algorithm: "ec", size: "P-384" });
    const v1 = await client.importKey(keyName, { kty: "EC-HSM", crv: "P-384", t: transferBlob(kek, first.bytes) });
    await client.importKey(keyName, { kty: "EC-HSM", crv: "P-384", t: transferBlob(kek, second.bytes) });
    expect(emulator.inspect.keyVersions(keyName)).toHaveLength(2);
    expect(emulator.inspect.keyHoldsMaterial(keyName, second.bytes)).toBe(true);
    expect(emulator.inspect.keyHoldsMaterial(keyName, first.bytes, v1.properties.version)).toBe(true);
    const versions = [];
    for await (const v of client.listPropertiesOfKeyVersions(keyName)) versions.push(v.version);
    expect(versions).toHaveLength(2);
  });
});

describe("a standard vault", () => {
  it("refuses HSM keys, as Azure does", async () => {
    const standard = await startAzureKeyVaultEmulator({ sku: "standard" });
    try {
      const error = await rejection(sdkClient(standard).createKey("kek", "RSA-HSM", { keySize: 2048, keyOps: ["import"] }));
      expect(error.message).toContain("Hardware key operation not allowed on standard vault");
      expect((await sdkClient(standard).createKey("soft", "EC")).key?.kty).toBe("EC");
    } finally {
      await standard.close();
    }
  });
});

describe("lifecycle", () => {
  it("updates attributes and tags, soft-deletes with the vault's retention, recovers, and purges", async () => {
    const keyName = name("life");
    await client.createKey(keyName, "EC-HSM", { curve: "P-256" });
    const disabled = await client.updateKeyProperties(keyName, { enabled: false, tags: { a: "b" } });
    expect(disabled.properties.enabled).toBe(false);
    expect(disabled.properties.tags).toEqual({ a: "b" });

    const poller = await client.beginDeleteKey(keyName, { intervalInMs: 10 });
    const deleted = await poller.pollUntilDone();
    expect(deleted.properties.recoverableDays).toBe(7);
    expect(deleted.properties.scheduledPurgeDate!.getTime() - deleted.properties.deletedOn!.getTime()).toBe(7 * 86_400_000);
    expect((await rejection(client.getKey(keyName))).statusCode).toBe(404);
    expect((await rejection(client.createKey(keyName, "EC-HSM"))).statusCode).toBe(409);
    const deletedNames = [];
    for await (const d of client.listDeletedKeys()) deletedNames.push(d.name);
    expect(deletedNames).toContain(keyName);

    await (await client.beginRecoverDeletedKey(keyName, { intervalInMs: 10 })).pollUntilDone();
    expect((await client.getKey(keyName)).properties.enabled).toBe(false);

    await (await client.beginDeleteKey(keyName, { intervalInMs: 10 })).pollUntilDone();
    await client.purgeDeletedKey(keyName);
    expect(emulator.inspect.keyVersions(keyName)).toEqual([]);

  });

  it("backs a key up and restores it after a purge, with its material; a corrupt blob is refused", async () => {
    const keyName = name("backup");
    const material = materialFor({ algorithm: "ec", size: "P-256" });
    await client.importKey(keyName, { kty: "EC-HSM", crv: "P-256", t: transferBlob(kek, material.bytes) });
    const backup = await client.backupKey(keyName);
    expect((await rejection(client.restoreKeyBackup(backup!))).statusCode).toBe(409);
    await (await client.beginDeleteKey(keyName, { intervalInMs: 10 })).pollUntilDone();
    await client.purgeDeletedKey(keyName);
    await client.restoreKeyBackup(backup!);
    expect(emulator.inspect.keyHoldsMaterial(keyName, material.bytes)).toBe(true);
    expect((await rejection(client.restoreKeyBackup(new Uint8Array([1, 2, 3])))).statusCode).toBe(400);
  });

  it("lists keys in pages that follow nextLink", async () => {
    const names = [name("page"), name("page"), name("page")];
    for (const n of names) await client.createKey(n, "EC-HSM");
    const pages: number[] = [];
    for await (const page of client.listPropertiesOfKeys().byPage({ maxPageSize: 2 })) pages.push(page.length);
    expect(pages.every((n) => n <= 2)).toBe(true);
    expect(pages.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3);
    expect(pages.length).toBeGreaterThan(1);
  });

  it("refuses key names outside 1-127 letters, digits and hyphens", async () => {
    const error = await rejection(client.createKey("a".repeat(128), "EC-HSM"));
    expect(error.statusCode).toBe(400);
  });
});

describe("faults", () => {
  it("429 with Retry-After, 5xx, a reset and a hang reach the SDK as such", async () => {
    emulator.faults.inject({ kind: "throttle", operation: "getKey", times: 1, retryAfterSeconds: 3 });
    const throttled = await rejection(client.getKey("kek"));
    expect(throttled.statusCode).toBe(429);
    emulator.faults.inject({ kind: "server_error", status: 503, operation: "getKey", times: 1 });
    expect((await rejection(client.getKey("kek"))).statusCode).toBe(503);
    emulator.faults.inject({ kind: "reset", operation: "getKey", times: 1 });
    const reset = await rejection(client.getKey("kek"));
    expect(reset.statusCode).toBeUndefined();
    emulator.faults.inject({ kind: "hang", operation: "getKey", times: 1 });
    const hung = await rejection(client.getKey("kek", { abortSignal: AbortSignal.timeout(200) }));
    expect(hung.name).toBe("AbortError");
    emulator.faults.inject({ kind: "latency", ms: 150, operation: "getKey", times: 1 });
    const started = Date.now();
    await client.getKey("kek");
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    const records = emulator.inspect.requests().filter((r) => r.operation === "getKey").map((r) => r.errorCode);
    expect(records).toEqual(expect.arrayContaining(["Throttled", "ServiceUnavailable", "ConnectionReset", "NoResponse"]));
  });
});

describe("the vault's retention (last: it moves the emulator's clock past every token)", () => {
  it("purges a soft-deleted key by itself once its retention has passed", async () => {
    const later = name("later");
    await client.createKey(later, "EC-HSM");
    await (await client.beginDeleteKey(later, { intervalInMs: 10 })).pollUntilDone();
    expect(emulator.inspect.isDeleted(later)).toBe(true);
    emulator.clock.advance(7 * 86_400_000 + 1000);
    expect(emulator.inspect.isDeleted(later)).toBe(false);
    expect(emulator.inspect.keyVersions(later)).toEqual([]);
  });
});
