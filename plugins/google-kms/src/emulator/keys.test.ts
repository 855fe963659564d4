import { randomBytes } from "node:crypto";
import { status } from "@grpc/grpc-js";
import type { KeyManagementServiceClient } from "@google-cloud/kms";
import { aesKeyWrapPad, loadWrappingKey, rsaAesKeyWrap, rsaOaepWrap } from "@uko/connector-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { propertiesFor } from "../../test/target.js";
import { Kms } from "../kms-client.js";
import { googleConnection } from "../properties.js";
import { startGoogleKmsEmulator, type GoogleKmsEmulator } from "./index.js";

/** The emulator's resources and state machines, driven by the real SDK. */
let emulator: GoogleKmsEmulator;
let kms: Kms;
let client: KeyManagementServiceClient;
let ring: string;
let jobName: string;
let jobPem: string;
beforeAll(async () => {
  emulator = await startGoogleKmsEmulator();
  kms = new Kms(googleConnection(propertiesFor(emulator, emulator.keyFile)));
  client = kms.client;
  ring = `projects/${emulator.projectId}/locations/${emulator.location}/keyRings/uko`;
  const [job] = await client.createImportJob({ parent: ring, importJobId: "job-1", importJob: { importMethod: "RSA_OAEP_3072_SHA256_AES_256", protectionLevel: "HSM" } });
  expect(job.state).toBe("PENDING_GENERATION");
  expect(job.publicKey).toBeFalsy();
  let active = job;
  while (active.state === "PENDING_GENERATION") {
    await new Promise((r) => setTimeout(r, 50));
    [active] = await client.getImportJob({ name: job.name });
  }
  expect(active.state).toBe("ACTIVE");
  jobName = active.name!;
  jobPem = active.publicKey!.pem!;
});
afterAll(async () => {
  await kms?.close();
  await emulator?.close();
});

const codeOf = (promise: Promise<unknown>) => promise.then(() => status.OK, (e: { code: number }) => e.code);

async function createKey(id: string, algorithm = "GOOGLE_SYMMETRIC_ENCRYPTION", purpose = "ENCRYPT_DECRYPT", extra: object = {}) {
  const [key] = await client.createCryptoKey({
    parent: ring,
    cryptoKeyId: id,
    skipInitialVersionCreation: true,
    cryptoKey: { purpose: purpose as never, importOnly: true, versionTemplate: { algorithm: algorithm as never, protectionLevel: "HSM" }, ...extra },
  });
  return key;
}

async function importInto(keyName: string, wrappedKey: Buffer, algorithm = "GOOGLE_SYMMETRIC_ENCRYPTION", job = jobName) {
  const [started] = await client.importCryptoKeyVersion({ parent: keyName, algorithm: algorithm as never, importJob: job, wrappedKey });
  expect(started.state).toBe("PENDING_IMPORT");
  const [settled] = await client.getCryptoKeyVersion({ name: started.name });
  return settled;
}

describe("Google KMS emulator: crypto keys and versions", () => {
  it("imports RSA_OAEP_3072_SHA256_AES_256 material: 384 bytes of RSA-OAEP, then RFC 5649", async () => {
    const key = await createKey("sym-1");
    const material = randomBytes(32);
    const wrapped = rsaAesKeyWrap(loadWrappingKey(jobPem), material, "sha256");
    expect(wrapped.length).toBe(384 + 40);
    const version = await importInto(key.name!, wrapped);
    expect(version.state).toBe("ENABLED");
    expect(version.importJob).toBe(jobName);
    expect(emulator.inspect.versionMaterial(version.name!)?.equals(material)).toBe(true);
  });

  it("a wrapping it cannot open, or material of the wrong size, is IMPORT_FAILED with a reason", async () => {
    const key = await createKey("sym-bad");
    const sha1 = await importInto(key.name!, rsaAesKeyWrap(loadWrappingKey(jobPem), randomBytes(32), "sha1"));
    expect(sha1.state).toBe("IMPORT_FAILED");
    expect(sha1.importFailureReason).toMatch(/could not be unwrapped/);
    // A key wrapped with a key of its own (not the job's) fails the same way.
    const stray = Buffer.concat([rsaOaepWrap(loadWrappingKey(jobPem), randomBytes(32), "sha256"), aesKeyWrapPad(randomBytes(32), randomBytes(32))]);
    expect((await importInto(key.name!, stray)).state).toBe("IMPORT_FAILED");
    const short = await importInto(key.name!, rsaAesKeyWrap(loadWrappingKey(jobPem), randomBytes(16), "sha256"));
    expect(short.importFailureReason).toMatch(/must be 32 bytes, not 16/);
  });

  it("refuses an algorithm that is not the key's, and a key created with an initial version", async () => {
    const key = await createKey("sym-algo");
    expect(await codeOf(client.importCryptoKeyVersion({ parent: key.name, algorithm: "HMAC_SHA256", importJob: jobName, wrappedKey: rsaAesKeyWrap(loadWrappingKey(jobPem), randomBytes(32), "sha256") }))).toBe(status.INVALID_ARGUMENT);
    expect(await codeOf(client.createCryptoKey({ parent: ring, cryptoKeyId: "with-initial", cryptoKey: { purpose: "ENCRYPT_DECRYPT", versionTemplate: { algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION" } } }))).toBe(status.INVALID_ARGUMENT);
    expect(await codeOf(createKey("sym-algo"))).toBe(status.ALREADY_EXISTS);
    expect(await codeOf(createKey("bad/id"))).toBe(status.INVALID_ARGUMENT);
    expect(await codeOf(createKey("bad-labels", undefined, undefined, { labels: { Upper: "x" } }))).toBe(status.INVALID_ARGUMENT);
  });

  it("versions: disable, enable, destroy (DESTROYED on the clock after the key's duration), restore, same-material re-import", async () => {
    const key = await createKey("life-1", "HMAC_SHA256", "MAC", { destroyScheduledDuration: { seconds: 86_400 } });
    const material = randomBytes(32);
    const version = await importInto(key.name!, rsaAesKeyWrap(loadWrappingKey(jobPem), material, "sha256"), "HMAC_SHA256");
    const setState = (state: "ENABLED" | "DISABLED") => client.updateCryptoKeyVersion({ cryptoKeyVersion: { name: version.name, state }, updateMask: { paths: ["state"] } });
    expect((await setState("DISABLED"))[0].state).toBe("DISABLED");
    expect(await codeOf(client.macSign({ name: version.name, data: Buffer.from("x") }))).toBe(status.FAILED_PRECONDITION);
    expect((await setState("ENABLED"))[0].state).toBe("ENABLED");
    const [scheduled] = await client.destroyCryptoKeyVersion({ name: version.name });
    expect(scheduled.state).toBe("DESTROY_SCHEDULED");
    expect(Number(scheduled.destroyTime!.seconds) * 1000 - emulator.clock.now().getTime()).toBeGreaterThan(86_390_000);
    const [restored] = await client.restoreCryptoKeyVersion({ name: version.name });
    expect(restored.state).toBe("DISABLED");
    await client.destroyCryptoKeyVersion({ name: version.name });
    emulator.clock.advance(86_401_000);
    const [destroyed] = await client.getCryptoKeyVersion({ name: version.name });
    expect(destroyed.state).toBe("DESTROYED");
    expect(emulator.inspect.versionMaterial(version.name!)).toBeUndefined();
    expect(await codeOf(client.restoreCryptoKeyVersion({ name: version.name }))).toBe(status.FAILED_PRECONDITION);
    // Re-import into the destroyed version: other material is refused, the same material comes back.
    const reimport = (bytes: Buffer) =>
      client.importCryptoKeyVersion({ parent: key.name, cryptoKeyVersion: version.name, algorithm: "HMAC_SHA256", importJob: jobName, wrappedKey: rsaAesKeyWrap(loadWrappingKey(jobPem), bytes, "sha256") });
    expect(await codeOf(reimport(randomBytes(32)))).toBe(status.FAILED_PRECONDITION);
    await reimport(material);
    const [back] = await client.getCryptoKeyVersion({ name: version.name });
    expect(back.state).toBe("ENABLED");
  });

  it("import jobs expire 3 days after creation and then cannot import", async () => {
    const [job] = await client.getImportJob({ name: jobName });
    expect(Number(job.expireTime!.seconds) - Number(job.createTime!.seconds)).toBe(3 * 86_400);
    const key = await createKey("late-1");
    emulator.clock.advance(3 * 86_400_000);
    const [expired] = await client.getImportJob({ name: jobName });
    expect(expired.state).toBe("EXPIRED");
    expect(await codeOf(client.importCryptoKeyVersion({ parent: key.name, algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION", importJob: jobName, wrappedKey: rsaAesKeyWrap(loadWrappingKey(jobPem), randomBytes(32), "sha256") }))).toBe(status.FAILED_PRECONDITION);
  });

  it("lists crypto keys in pages, labels are updated, and unknown methods are UNIMPLEMENTED", async () => {
    const names: string[] = [];
    let pageToken: string | undefined;
    do {
      const [keys, next] = await client.listCryptoKeys({ parent: ring, pageSize: 2, ...(pageToken ? { pageToken } : {}) }, { autoPaginate: false });
      expect(keys.length).toBeLessThanOrEqual(2);
      names.push(...keys.map((k) => k.name!));
      pageToken = next?.pageToken || undefined;
    } while (pageToken);
    expect(names.length).toBe(emulator.inspect.counts().cryptoKeys);
    expect(new Set(names).size).toBe(names.length);
    const [updated] = await client.updateCryptoKey({ cryptoKey: { name: names[0], labels: { team: "keys" } }, updateMask: { paths: ["labels"] } });
    expect(updated.labels).toEqual({ team: "keys" });
    expect(await codeOf(client.generateRandomBytes({ location: `projects/${emulator.projectId}/locations/global`, lengthBytes: 8 }))).toBe(status.UNIMPLEMENTED);
  });
});
