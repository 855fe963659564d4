import { constants, createHmac, createPrivateKey, createPublicKey, publicEncrypt, randomBytes, randomUUID, verify } from "node:crypto";
import { KeyManagementServiceClient } from "@google-cloud/kms";
import { ConnectorError, type ConnectorSession, type KeyOperations, type KeySpec, type ManagedCopyRef, type PropertyValues } from "@uko/connector-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEmulatorCiphertext } from "../src/emulator/index.js";
import googleKms from "../src/index.js";
import { Kms } from "../src/kms-client.js";
import { googleConnection } from "../src/properties.js";
import { materialFor } from "@uko/connector-testkit";
import { onRealGoogle, openTarget, testHost, type Target } from "./target.js";

let target: Target;
let session: ConnectorSession;
let keys: KeyOperations;
/** A plain SDK client on the same connection, for the crypto that proves a key's material. */
let kms: Kms;
let client: KeyManagementServiceClient;
const host = () => testHost({ timeoutMs: 30_000 });
/** RSA key generation (4096-bit material, the import job's 3072-bit key) takes seconds on a busy machine. */
const SLOW = 90_000;
const installed: string[] = [];

beforeAll(async () => {
  target = await openTarget();
  session = await googleKms.connect(target.properties, host());
  keys = session.keys!;
  kms = new Kms(googleConnection(target.properties));
  client = kms.client;
});
afterAll(async () => {
  if (onRealGoogle) for (const keyId of installed) await keys.scheduleKeyDeletion(keyId, {}, host()).catch(() => undefined);
  await kms?.close();
  await session?.close?.();
  await target?.close();
});

const uniqueName = (what: string) => `uko-test-${what}-${randomUUID().slice(0, 8)}`.replace(/[^a-zA-Z0-9_-]/g, "-");
const copyRef = (): ManagedCopyRef => ({ managedKeyId: randomUUID(), vaultId: randomUUID(), version: 1 });
const DEFAULTS: PropertyValues = { google_destroy_scheduled_days: 30, google_protection_level: "HSM", google_asymmetric_usage: "sign" };

async function install(spec: KeySpec, options: PropertyValues = {}, copy = copyRef(), name = uniqueName(`${spec.algorithm}-${spec.size}`)) {
  const material = materialFor(spec);
  const key = await keys.installKey({ name, material, copy, options: { ...DEFAULTS, ...options } }, host());
  installed.push(key.keyId);
  return { key, material, copy, name };
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

/** Proves by a crypto round trip through Cloud KMS that `version` holds `material`. */
async function provesMaterial(resourceName: string, version: string, spec: KeySpec, material: Uint8Array): Promise<boolean> {
  const versionName = `${resourceName}/cryptoKeyVersions/${version}`;
  const data = randomBytes(48);
  switch (spec.algorithm) {
    case "aes": {
      const [out] = await client.encrypt({ name: versionName, plaintext: data, additionalAuthenticatedData: Buffer.from("uko") });
      const ciphertext = Buffer.from(out.ciphertext as Uint8Array);
      // Decrypted by Cloud KMS, and (emulator only: Google's format is private) locally with the material.
      const [back] = await client.decrypt({ name: resourceName, ciphertext, additionalAuthenticatedData: Buffer.from("uko") });
      if (!Buffer.from(back.plaintext as Uint8Array).equals(data)) return false;
      return onRealGoogle || openEmulatorCiphertext(material, ciphertext, Buffer.from("uko")).equals(data);
    }
    case "hmac": {
      const [out] = await client.macSign({ name: versionName, data });
      return Buffer.from(out.mac as Uint8Array).equals(createHmac(`sha${spec.size}`, material).update(data).digest());
    }
    case "rsa":
    case "ec": {
      const privateKey = createPrivateKey({ key: Buffer.from(material), format: "der", type: "pkcs8" });
      const hash = spec.size === "P-384" ? "sha384" : "sha256";
      const [out] = await client.asymmetricSign({ name: versionName, data });
      return verify(hash, data, createPublicKey(privateKey), Buffer.from(out.signature as Uint8Array));
    }
  }
}

describe("installing keys: an import-only crypto key, its material imported through the import job", () => {
  // Every declared algorithm and size is installed and proven by the conformance kit
  // (test/conformance.test.ts); here one size of each algorithm, for what is Google's own: the
  // resource name, the labels, version 1, and a crypto round trip through Cloud KMS itself.
  const specs: KeySpec[] = [
    { algorithm: "aes", size: "256" },
    { algorithm: "hmac", size: "256" },
    { algorithm: "rsa", size: "2048" },
    { algorithm: "ec", size: "P-256" },
  ];
  for (const spec of specs) {
    it(`${spec.algorithm} ${spec.size}: enabled, labelled, and Cloud KMS holds exactly the gateway's material`, async () => {
      const { key, material, copy, name } = await install(spec);
      expect(key).toMatchObject({ keyId: name, name, state: "enabled", spec, materialVersion: "1" });
      expect(key.resourceName).toBe(`projects/${target.properties.google_project_id}/locations/${target.properties.google_location}/keyRings/${target.properties.google_key_ring}/cryptoKeys/${name}`);
      expect(key.tags).toEqual({ "uko-managed-by": "uko-gateway", "uko-managed-key-id": copy.managedKeyId, "uko-vault-id": copy.vaultId, "uko-key-version": "1" });
      expect(await provesMaterial(key.resourceName!, "1", spec, material.bytes)).toBe(true);
    }, SLOW);
  }

  it("RSA keys decrypt instead when the template says so (OAEP SHA-256)", async () => {
    const spec: KeySpec = { algorithm: "rsa", size: "2048" };
    const { key, material } = await install(spec, { google_asymmetric_usage: "decrypt" });
    const publicKey = createPublicKey(createPrivateKey({ key: Buffer.from(material.bytes), format: "der", type: "pkcs8" }));
    const secret = randomBytes(32);
    const ciphertext = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, secret);
    const [out] = await client.asymmetricDecrypt({ name: `${key.resourceName}/cryptoKeyVersions/1`, ciphertext });
    expect(Buffer.from(out.plaintext as Uint8Array).equals(secret)).toBe(true);
    expect(await keys.verifyKeyMaterial!(key.keyId, material, host())).toBe(true);
  });

  it("EC keys cannot decrypt in Google: UNSUPPORTED before anything is created", async () => {
    const name = uniqueName("ec-decrypt");
    const error = await failure(keys.installKey({ name, material: materialFor({ algorithm: "ec", size: "P-256" }), copy: copyRef(), options: { ...DEFAULTS, google_asymmetric_usage: "decrypt" } }, host()));
    expect(error.code).toBe("UNSUPPORTED");
    await expect(keys.describeKey(name, host())).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it.skipIf(onRealGoogle)("protection level SOFTWARE is a template option; the key and its import job are SOFTWARE", async () => {
    const { key } = await install({ algorithm: "aes", size: "256" }, { google_protection_level: "SOFTWARE" });
    const [cryptoKey] = await client.getCryptoKey({ name: key.resourceName });
    expect(cryptoKey.versionTemplate?.protectionLevel).toBe("SOFTWARE");
    const [version] = await client.getCryptoKeyVersion({ name: `${key.resourceName}/cryptoKeyVersions/1` });
    const [job] = await client.getImportJob({ name: version.importJob });
    expect(job.protectionLevel).toBe("SOFTWARE");
  });

  it.skipIf(onRealGoogle)("one import job per protection level serves every install of the session", async () => {
    const before = target.emulator!.inspect.requests().filter((r) => r.method === "CreateImportJob").length;
    await install({ algorithm: "hmac", size: "256" });
    await install({ algorithm: "aes", size: "256" });
    expect(target.emulator!.inspect.requests().filter((r) => r.method === "CreateImportJob").length).toBe(before);
  });

  it("a name that is taken by another key is a CONFLICT that says Google cannot delete keys", async () => {
    const { name } = await install({ algorithm: "aes", size: "256" });
    const error = await failure(keys.installKey({ name, material: materialFor({ algorithm: "aes", size: "256" }), copy: copyRef(), options: DEFAULTS }, host()));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toMatch(/Google cannot delete crypto keys/);
  });
});

describe("finding and resuming", () => {
  it("labels follow Google's rules (lowercase): an id in capitals is stored and found in lowercase", async () => {
    const copy = { ...copyRef(), managedKeyId: randomUUID().toUpperCase() };
    const { key } = await install({ algorithm: "hmac", size: "256" }, {}, copy);
    expect(key.tags["uko-managed-key-id"]).toBe(copy.managedKeyId.toLowerCase());
    expect((await keys.findManagedCopy(copy, host()))?.keyId).toBe(key.keyId);
  });

  it.skipIf(onRealGoogle)("an installation interrupted after the key was created is found and finished with the same key", async () => {
    const copy = copyRef();
    const name = uniqueName("resume");
    const spec: KeySpec = { algorithm: "aes", size: "256" };
    // The first attempt dies at the import.
    target.emulator!.faults.inject({ kind: "unavailable", operation: "ImportCryptoKeyVersion" });
    try {
      await failure(keys.installKey({ name, material: materialFor(spec), copy, options: DEFAULTS }, testHost({ maxAttempts: 1 })));
    } finally {
      target.emulator!.faults.clear();
    }
    const left = await keys.findManagedCopy(copy, host());
    expect(left).toMatchObject({ keyId: name, state: "pending_import" });
    const material = materialFor(spec);
    const key = await keys.installKey({ name, material, copy, options: DEFAULTS }, host(), left!.keyId);
    expect(key).toMatchObject({ keyId: name, state: "enabled", materialVersion: "1" });
    expect(await provesMaterial(key.resourceName!, "1", spec, material.bytes)).toBe(true);
    // Without the resume id the same name is taken over too, since the key holds no material yet and is this managed key's.
    const copy2 = copyRef();
    const name2 = uniqueName("takeover");
    target.emulator!.faults.inject({ kind: "unavailable", operation: "ImportCryptoKeyVersion", times: 1 });
    await failure(keys.installKey({ name: name2, material: materialFor(spec), copy: copy2, options: DEFAULTS }, testHost({ maxAttempts: 1 })));
    expect((await keys.installKey({ name: name2, material: materialFor(spec), copy: copy2, options: DEFAULTS }, host())).state).toBe("enabled");
  });

  it.skipIf(onRealGoogle)("material Cloud KMS cannot import is IMPORT_FAILED with Google's reason", async () => {
    const name = uniqueName("bad-material");
    // 2048-bit RSA material declared as 3072: the emulator checks material against the version's algorithm.
    const material = { spec: { algorithm: "rsa" as const, size: "3072" }, bytes: materialFor({ algorithm: "rsa", size: "2048" }).bytes };
    const error = await failure(keys.installKey({ name, material, copy: copyRef(), options: DEFAULTS }, host()));
    expect(error.code).toBe("REMOTE_ERROR");
    expect(error.message).toMatch(/RSA 3072-bit key, not 2048/);
  });
});

describe("rotation: a new version, made primary for symmetric keys", () => {
  it("AES: version 2 is primary and encrypts; version 1 still decrypts what it encrypted", async () => {
    const spec: KeySpec = { algorithm: "aes", size: "256" };
    const { key, material, copy, name } = await install(spec);
    const [old] = await client.encrypt({ name: key.resourceName, plaintext: Buffer.from("before") });
    const next = materialFor(spec);
    const rotated = await keys.rotateKey!(key.keyId, { name, material: next, copy: { ...copy, version: 2 }, options: DEFAULTS }, host());
    expect(rotated).toMatchObject({ keyId: key.keyId, state: "enabled", materialVersion: "2" });
    expect(rotated.tags["uko-key-version"]).toBe("2");
    const [now] = await client.encrypt({ name: key.resourceName, plaintext: Buffer.from("after") });
    expect(now.name).toBe(`${key.resourceName}/cryptoKeyVersions/2`);
    if (!onRealGoogle) expect(openEmulatorCiphertext(next.bytes, Buffer.from(now.ciphertext as Uint8Array)).toString()).toBe("after");
    const [back] = await client.decrypt({ name: key.resourceName, ciphertext: old.ciphertext });
    expect(Buffer.from(back.plaintext as Uint8Array).toString()).toBe("before");
    expect(await provesMaterial(key.resourceName!, "1", spec, material.bytes)).toBe(true);
    expect((await keys.findManagedCopy({ ...copy, version: 2 }, host()))?.keyId).toBe(key.keyId);
    // A resumed rotation that already finished changes nothing.
    const again = await keys.rotateKey!(key.keyId, { name, material: next, copy: { ...copy, version: 2 }, options: DEFAULTS }, host(), key.keyId);
    expect(again.materialVersion).toBe("2");
  });

  it("EC: version 2 holds the new material, version 1 stays addressable", async () => {
    const spec: KeySpec = { algorithm: "ec", size: "P-256" };
    const { key, material, copy, name } = await install(spec);
    const next = materialFor(spec);
    const rotated = await keys.rotateKey!(key.keyId, { name, material: next, copy: { ...copy, version: 2 }, options: DEFAULTS }, host());
    expect(rotated.materialVersion).toBe("2");
    expect(await provesMaterial(key.resourceName!, "2", spec, next.bytes)).toBe(true);
    expect(await provesMaterial(key.resourceName!, "1", spec, material.bytes)).toBe(true);
    expect(await keys.verifyKeyMaterial!(key.keyId, next, host())).toBe(true);
  });

  it("a key cannot rotate to another algorithm", async () => {
    const { key, copy, name } = await install({ algorithm: "hmac", size: "256" });
    const error = await failure(keys.rotateKey!(key.keyId, { name, material: materialFor({ algorithm: "hmac", size: "512" }), copy: { ...copy, version: 2 }, options: DEFAULTS }, host()));
    expect(error.code).toBe("UNSUPPORTED");
  });
});

describe("lifecycle: version states", () => {
  it("disable and enable every version; destroy schedules them for the key's duration; restore brings them back disabled", async () => {
    const spec: KeySpec = { algorithm: "aes", size: "256" };
    const { key, copy, name } = await install(spec, { google_destroy_scheduled_days: 2 });
    await keys.rotateKey!(key.keyId, { name, material: materialFor(spec), copy: { ...copy, version: 2 }, options: DEFAULTS }, host());

    const disabled = await keys.disableKey(key.keyId, host());
    expect(disabled.state).toBe("disabled");
    await expect(client.encrypt({ name: key.resourceName, plaintext: Buffer.from("x") })).rejects.toMatchObject({ code: 9 });
    expect((await keys.enableKey(key.keyId, host())).state).toBe("enabled");
    const [versions] = await client.listCryptoKeyVersions({ parent: key.resourceName });
    expect(versions.map((v) => v.state)).toEqual(["ENABLED", "ENABLED"]);

    const started = Date.now();
    const scheduled = await keys.scheduleKeyDeletion(key.keyId, { google_destroy_scheduled_days: 2 }, host());
    expect(scheduled.state).toBe("pending_deletion");
    const days = (scheduled.deletionDate!.getTime() - started) / 86_400_000;
    expect(days).toBeGreaterThan(1.99);
    expect(days).toBeLessThan(2.01);
    await expect(keys.enableKey(key.keyId, host())).rejects.toMatchObject({ code: "CONFLICT" });

    const restored = await keys.cancelKeyDeletion!(key.keyId, host());
    expect(restored.state).toBe("disabled");
    expect(restored.deletionDate).toBeUndefined();
    expect((await keys.enableKey(key.keyId, host())).state).toBe("enabled");
  });

  it.skipIf(onRealGoogle)("after the destroy-scheduled duration the material is destroyed for good (the key's name stays)", async () => {
    const spec: KeySpec = { algorithm: "hmac", size: "256" };
    const { key, material } = await install(spec, { google_destroy_scheduled_days: 1 });
    await keys.scheduleKeyDeletion(key.keyId, {}, host());
    target.emulator!.clock.advance(24 * 3600_000 + 1000);
    const gone = await keys.describeKey(key.keyId, host());
    expect(gone.state).toBe("unavailable");
    expect(target.emulator!.inspect.keyHoldsMaterial(key.resourceName!, material.bytes)).toBe(false);
    expect((await failure(keys.cancelKeyDeletion!(key.keyId, host()))).code).toBe("CONFLICT");
  });

  it.skipIf(onRealGoogle)("reimport puts the same material back into a destroyed version, and refuses other material", async () => {
    const spec: KeySpec = { algorithm: "hmac", size: "256" };
    const { key, material } = await install(spec, { google_destroy_scheduled_days: 1 });
    // A version that holds the material is re-confirmed; other material is refused.
    expect((await keys.reimportKeyMaterial!(key.keyId, material, host())).state).toBe("enabled");
    expect((await failure(keys.reimportKeyMaterial!(key.keyId, materialFor(spec), host()))).code).toBe("CONFLICT");
    await keys.scheduleKeyDeletion(key.keyId, {}, host());
    target.emulator!.clock.advance(24 * 3600_000 + 1000);
    expect((await keys.describeKey(key.keyId, host())).state).toBe("unavailable");
    expect((await failure(keys.reimportKeyMaterial!(key.keyId, materialFor(spec), host()))).code).toBe("CONFLICT");
    const back = await keys.reimportKeyMaterial!(key.keyId, material, host());
    expect(back).toMatchObject({ state: "enabled", materialVersion: "1" });
    expect(await provesMaterial(key.resourceName!, "1", spec, material.bytes)).toBe(true);
  });

  it("an id that cannot be a crypto key id is NOT_FOUND without a call", async () => {
    expect((await failure(keys.describeKey("not/a/key", host()))).code).toBe("NOT_FOUND");
  });
});
