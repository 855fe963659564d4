import { randomUUID } from "node:crypto";
import { ConnectorError, managedCopyTags, type ConnectorSession, type KeyOperations, type KeySpec } from "@uko/connector-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import azure from "../src/index.js";
import { KEK_NAME } from "../src/kek.js";
import { PURGE_AFTER_TAG } from "../src/key-operations.js";
import { materialFor } from "./materials.js";
import { sdkClient } from "./sdk-clients.js";
import { onRealAzure, openTarget, testHost, type Target } from "./target.js";

let target: Target;
let session: ConnectorSession;
let keys: KeyOperations;
const host = (now?: () => Date) => testHost({ timeoutMs: 30_000, ...(now ? { now } : {}) });
/** Every key a test installs, so that a run against real Azure leaves only soft-deleted keys. */
const installed = new Set<string>();

beforeAll(async () => {
  // A 30-day retention, so that template windows both within and beyond it can be tried.
  target = await openTarget({ softDeleteRetentionDays: 30 });
  session = await azure.connect(target.properties, host());
  await session.onConnect!(host());
  keys = session.keys!;
}, 60_000);
afterAll(async () => {
  if (onRealAzure) for (const keyId of installed) await keys.scheduleKeyDeletion(keyId, { azure_deletion_window_days: 7 }, host()).catch(() => undefined);
  await session?.close?.();
  await target?.close();
});

const uniqueName = (what: string) => `uko-test-${what}-${randomUUID().slice(0, 8)}`;
const copyRef = (version = 1) => ({ managedKeyId: randomUUID(), vaultId: "00000000-0000-4000-8000-000000000002", version });

async function install(spec: KeySpec, name = uniqueName(`${spec.algorithm}-${spec.size}`.toLowerCase())) {
  const material = materialFor(spec);
  const copy = copyRef();
  const key = await keys.installKey({ name, description: `test ${spec.algorithm}`, material, copy, options: {} }, host());
  installed.add(key.keyId);
  return { key, material, name, copy };
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

describe("onConnect", () => {
  it("created the import KEK (RSA-HSM, import only) once, and running it again changes nothing", async () => {
    await session.onConnect!(host());
    if (target.emulator) {
      const versions = target.emulator.inspect.keyVersions(KEK_NAME);
      expect(versions).toHaveLength(1);
      expect(versions[0]!.kty).toBe("RSA-HSM");
    }
    const report = await session.test(host());
    expect(report.checks.find((c) => c.name === "import-key")?.outcome).toBe("passed");
  });
});

// Every declared kind installed and proven, CONFLICT, NOT_FOUND, resumes and paging are the conformance kit's (conformance.test.ts).
describe("installing a key (BYOK: wrapped for the KEK, imported as an HSM key, tagged)", () => {
  const specs: KeySpec[] = [
    { algorithm: "rsa", size: "2048" },
    { algorithm: "ec", size: "P-256" },
  ];
  for (const spec of specs) {
    it(`${spec.algorithm} ${spec.size}: an HSM-protected key, tagged as the copy and described, that verifyKeyMaterial proves`, async () => {
      const { key, material, name, copy } = await install(spec);
      expect(key).toMatchObject({ keyId: name, name, state: "enabled", spec, description: `test ${spec.algorithm}` });
      expect(key.tags).toMatchObject(managedCopyTags(copy, ":"));
      expect(key.materialVersion).toMatch(/^[0-9a-f]{32}$/);
      expect(await keys.verifyKeyMaterial!(name, material, host())).toBe(true);
      expect(await keys.verifyKeyMaterial!(name, materialFor(spec), host())).toBe(false);
      if (target.emulator) expect(target.emulator.inspect.keyVersions(name)[0]!.kty).toBe(spec.algorithm === "rsa" ? "RSA-HSM" : "EC-HSM");
      expect(await keys.describeKey(name, host())).toEqual(key);
    });
  }

  it("AES and HMAC are UNSUPPORTED with the reason, before anything is created", async () => {
    const aes = await failure(install({ algorithm: "aes", size: "256" }));
    expect(aes.code).toBe("UNSUPPORTED");
    expect(aes.message).toMatch(/only Azure Managed HSM/);
    expect((await failure(install({ algorithm: "hmac", size: "256" }))).code).toBe("UNSUPPORTED");
  });

  it("resuming an installation that already went through returns that key, without a second version", async () => {
    const { key, material, copy, name } = await install({ algorithm: "ec", size: "P-384" });
    expect(await keys.findManagedCopy(copy, host())).toEqual(key);
    const resumed = await keys.installKey({ name, material, copy, options: {} }, host(), key.keyId);
    expect(resumed.materialVersion).toBe(key.materialVersion);
    expect(await keys.findManagedCopy(copyRef(), host())).toBeNull();
  });
});

describe("rotation (a new version of the same key)", () => {
  it("imports the new material as a new version; the old version keeps the old material; resuming does not rotate twice", async () => {
    const { key, material, copy, name } = await install({ algorithm: "rsa", size: "2048" });
    const next = materialFor({ algorithm: "rsa", size: "2048" });
    const request = { name, material: next, copy: { ...copy, version: 2 }, options: {} };
    const rotated = await keys.rotateKey!(key.keyId, request, host());
    expect(rotated.keyId).toBe(key.keyId);
    expect(rotated.materialVersion).not.toBe(key.materialVersion);
    expect(rotated.tags["uko:key-version"]).toBe("2");
    expect(await keys.verifyKeyMaterial!(name, next, host())).toBe(true);
    expect(await keys.findManagedCopy(request.copy, host())).toMatchObject({ keyId: name, materialVersion: rotated.materialVersion });
    const again = await keys.rotateKey!(key.keyId, request, host());
    expect(again.materialVersion).toBe(rotated.materialVersion);
    if (target.emulator) {
      expect(target.emulator.inspect.keyVersions(name)).toHaveLength(2);
      expect(target.emulator.inspect.keyHoldsMaterial(name, next.bytes)).toBe(true);
      expect(target.emulator.inspect.keyHoldsMaterial(name, material.bytes, key.materialVersion)).toBe(true);
    }
  });
});

describe("lifecycle", () => {
  it("disables and enables every version", async () => {
    const { key, name, copy } = await install({ algorithm: "ec", size: "P-256" });
    await keys.rotateKey!(key.keyId, { name, material: materialFor({ algorithm: "ec", size: "P-256" }), copy: { ...copy, version: 2 }, options: {} }, host());
    expect((await keys.disableKey(name, host())).state).toBe("disabled");
    if (target.emulator) expect(target.emulator.inspect.keyVersions(name).map((v) => v.enabled)).toEqual([false, false]);
    expect((await keys.enableKey(name, host())).state).toBe("enabled");
    if (target.emulator) expect(target.emulator.inspect.keyVersions(name).map((v) => v.enabled)).toEqual([true, true]);
  });

  it("deletion soft-deletes with the template's window; cancel recovers it disabled; a window beyond the vault's retention is refused", async () => {
    const { name } = await install({ algorithm: "ec", size: "P-256" });
    if (target.emulator) {
      // The emulator's vault keeps deleted keys for 30 days; a real vault's retention is its own.
      const tooLong = await failure(keys.scheduleKeyDeletion(name, { azure_deletion_window_days: 90 }, host()));
      expect(tooLong.code).toBe("UNSUPPORTED");
      expect(tooLong.message).toMatch(/keeps deleted keys for 30 days/);
      expect((await keys.describeKey(name, host())).state).toBe("enabled");
    }

    const started = Date.now();
    const deleted = await keys.scheduleKeyDeletion(name, { azure_deletion_window_days: 7 }, host());
    expect(deleted.state).toBe("pending_deletion");
    expect(Math.abs(deleted.deletionDate!.getTime() - (started + 7 * 86_400_000))).toBeLessThan(60_000);
    expect((await keys.scheduleKeyDeletion(name, { azure_deletion_window_days: 7 }, host())).state).toBe("pending_deletion");
    expect(await keys.findManagedCopy({ managedKeyId: deleted.tags["uko:managed-key-id"]!, vaultId: deleted.tags["uko:vault-id"]!, version: 1 }, host())).toBeNull();

    const recovered = await keys.cancelKeyDeletion!(name, host());
    expect(recovered.state).toBe("disabled");
    expect(recovered.tags[PURGE_AFTER_TAG]).toBeUndefined();
  });

  it.skipIf(onRealAzure)("a deleted key is purged once the template's window has passed, though the vault would keep it longer", async () => {
    const { name } = await install({ algorithm: "ec", size: "P-256" });
    await keys.scheduleKeyDeletion(name, { azure_deletion_window_days: 7 }, host());
    const eightDaysLater = () => new Date(Date.now() + 8 * 86_400_000);
    expect((await keys.describeKey(name, host())).state).toBe("pending_deletion");
    const purged = await failure(keys.describeKey(name, host(eightDaysLater)));
    expect(purged.code).toBe("NOT_FOUND");
    expect(target.emulator!.inspect.keyVersions(name)).toEqual([]);
    installed.delete(name);
  });

  it("lists keys with their tags, page by page, without the KEK", async () => {
    const names = new Set<string>();
    for (let i = 0; i < 3; i++) names.add((await install({ algorithm: "ec", size: "P-256" })).name);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await keys.listKeys(cursor ? { cursor, limit: 2 } : { limit: 2 }, host());
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((k) => k.keyId));
      for (const item of page.items) if (names.has(item.keyId)) expect(item.tags["uko:managed-by"]).toBe("uko-gateway");
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 200);
    for (const n of names) expect(seen).toContain(n);
    expect(seen).not.toContain(KEK_NAME);
    expect(pages).toBeGreaterThan(1);
  });
});

describe.skipIf(onRealAzure)("when the import KEK disappears", () => {
  it("installs fail with the remedy, the test reports a configuration failure, and repairKeystore repairs it", async () => {
    const emulator = target.emulator!;
    const kekKeys = session.keys!;
    // Deleted in Azure (soft delete): recoverable.
    const admin = await azure.connect(target.properties, host());
    await admin.keys!.scheduleKeyDeletion(KEK_NAME, { azure_deletion_window_days: 7 }, host());
    expect(emulator.inspect.isDeleted(KEK_NAME)).toBe(true);

    const refused = await failure(kekKeys.installKey({ name: uniqueName("after-kek"), material: materialFor({ algorithm: "ec", size: "P-256" }), copy: copyRef(), options: {} }, host()));
    expect(refused.code).toBe("INVALID_PROPERTIES");
    expect(refused.message).toMatch(/EKMF-BYOK-KEK-FOR-IMPORT was deleted in Azure.*Recover it.*"Recreate import key" action \(the repairKeystore mutation/);
    const report = await session.test(host());
    expect(report.checks.find((c) => c.name === "import-key")).toMatchObject({ kind: "configuration", outcome: "failed", message: expect.stringMatching(/recover/i) });

    const versionBefore = emulator.inspect.keyVersions(KEK_NAME)[0]!.version;
    await session.repairKeystore!(host());
    expect(emulator.inspect.isDeleted(KEK_NAME)).toBe(false);
    // Recovered, not replaced: the same version, so keys wrapped for it before still match.
    expect(emulator.inspect.keyVersions(KEK_NAME).map((v) => v.version)).toEqual([versionBefore]);

    // Disabled in Azure.
    await admin.keys!.disableKey(KEK_NAME, host());
    const disabled = await failure(kekKeys.installKey({ name: uniqueName("after-kek"), material: materialFor({ algorithm: "ec", size: "P-256" }), copy: copyRef(), options: {} }, host()));
    expect(disabled.message).toMatch(/is disabled in Azure.*Enable it.*"Recreate import key"/);
    await session.repairKeystore!(host());
    expect(emulator.inspect.keyVersions(KEK_NAME)[0]!.enabled).toBe(true);

    const { name, material } = await install({ algorithm: "rsa", size: "2048" });
    expect(emulator.inspect.keyHoldsMaterial(name, material.bytes)).toBe(true);
    expect(emulator.inspect.keyVersions(KEK_NAME)).toHaveLength(1);

    // Deleted and purged in Azure: gone for good; the gateway recreates it.
    await admin.keys!.scheduleKeyDeletion(KEK_NAME, { azure_deletion_window_days: 7 }, host());
    await sdkClient(emulator).purgeDeletedKey(KEK_NAME);
    const purged = await session.test(host());
    expect(purged.checks.find((c) => c.name === "import-key")).toMatchObject({ outcome: "failed", message: expect.stringMatching(/has no key EKMF-BYOK-KEK-FOR-IMPORT.*"Recreate import key"/) });
    const missing = await failure(kekKeys.installKey({ name: uniqueName("after-kek"), material: materialFor({ algorithm: "ec", size: "P-256" }), copy: copyRef(), options: {} }, host()));
    expect(missing.message).toMatch(/has no key EKMF-BYOK-KEK-FOR-IMPORT/);
    await session.repairKeystore!(host());
    expect(emulator.inspect.keyVersions(KEK_NAME)).toMatchObject([{ kty: "RSA-HSM", enabled: true }]);
    expect((await session.test(host())).checks.find((c) => c.name === "import-key")?.outcome).toBe("passed");
    const after = await install({ algorithm: "ec", size: "P-256" });
    expect(emulator.inspect.keyHoldsMaterial(after.name, after.material.bytes)).toBe(true);
  });
});
