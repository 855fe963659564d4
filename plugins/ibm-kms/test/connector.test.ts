import { randomUUID } from "node:crypto";
import { ConnectorError, validateProperties, type ConnectorSession, type KeyOperations } from "@uko/connector-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import hpcs from "../src/hpcs.js";
import keyProtect from "../src/key-protect.js";
import { aesMaterial, openTarget, testHost, type Target } from "./target.js";

let target: Target;
beforeAll(async () => {
  target = await openTarget();
});
afterAll(async () => {
  await target?.close();
});

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

const copy = (version = 1) => ({ managedKeyId: randomUUID(), vaultId: randomUUID(), version });

describe("definitions", () => {
  it("name their types as UKO does, and rotate in place", () => {
    expect([keyProtect.type, hpcs.type]).toEqual(["ibm_key_protect", "ibm_hpcs"]);
    expect(keyProtect.rotation).toBe("new_version");
  });

  it("checks each endpoint against its published form, and reads the region off it", async () => {
    const props = (variant: "key_protect" | "hpcs", overrides: Record<string, string>) => target.properties(variant, overrides);
    const kp = (endpoint: string) => validateProperties(keyProtect.properties, props("key_protect", { ibm_api_endpoint: endpoint }));
    expect(kp("https://eu-de.kms.cloud.ibm.com").issues).toEqual([]);
    expect(kp("https://private.eu-de.kms.cloud.ibm.com").issues).toEqual([]);
    expect(kp("https://eu-de.kms.cloud.ibm.com.evil.example").issues[0]).toMatchObject({ property: "ibm_api_endpoint" });
    expect(kp("http://eu-de.kms.cloud.ibm.com").issues[0]?.message).toMatch(/https:\/\/<region>\.kms\.cloud\.ibm\.com/);
    const hp = (endpoint: string) => validateProperties(hpcs.properties, props("hpcs", { ibm_api_endpoint: endpoint }));
    expect(hp("https://api.us-east.hs-crypto.cloud.ibm.com:8992").issues).toEqual([]);
    expect(hp(`https://${randomUUID()}.api.eu-de.hs-crypto.appdomain.cloud`).issues).toEqual([]);
    expect(hp("https://us-south.kms.cloud.ibm.com").issues[0]?.message).toMatch(/hs-crypto/);
    const { ibm_iam_endpoint: _iam, ...noIam } = props("key_protect", {});
    expect(validateProperties(keyProtect.properties, noIam, { applyDefaults: true }).values.ibm_iam_endpoint).toBe("https://iam.cloud.ibm.com");
    const iam = validateProperties(keyProtect.properties, props("key_protect", { ibm_iam_endpoint: "https://iam.example.com" }));
    expect(iam.issues[0]).toMatchObject({ property: "ibm_iam_endpoint" });
    const plainOverride = validateProperties(keyProtect.properties, props("key_protect", { ibm_api_url_override: "http://127.0.0.1:1" }));
    expect(plainOverride.issues[0]).toMatchObject({ property: "ibm_api_url_override" });
    expect(plainOverride.issues[0]?.message).toMatch(/https/);
    expect(await keyProtect.derive!({ ibm_api_endpoint: "https://private.jp-tok.kms.cloud.ibm.com" })).toEqual({ ibm_region: "jp-tok" });
    expect(await hpcs.derive!({ ibm_api_endpoint: "https://api.eu-de.hs-crypto.cloud.ibm.com:9730" })).toEqual({ ibm_region: "eu-de" });
  });
});

describe("connection test", () => {
  it("passes with the Manager role: authentication, reachability, the key ring, every probe-able permission", async () => {
    const session = await keyProtect.connect(target.properties("key_protect"), testHost());
    const report = await session.test(testHost());
    expect(report.checks.filter((c) => c.outcome === "failed")).toEqual([]);
    expect(report.checks.find((c) => c.name === "permission:kms.secrets.delete")?.outcome).toBe("passed");
    expect(report.checks.find((c) => c.name === "permission:kms.secrets.create")?.outcome).toBe("not_verifiable");
    // Side-effect free: nothing was created.
    expect(target.emulator.inspect.requests().some((r) => r.operation === "CreateKey" || r.operation === "CreateImportToken")).toBe(false);
  });

  it("explains an API key IAM does not know, without repeating it", async () => {
    const wrongKey = `wrong-${randomUUID()}`;
    const session = await keyProtect.connect(target.properties("key_protect", { ibm_api_key: wrongKey }), testHost());
    const error = await failure(session.test(testHost()));
    expect(error.code).toBe("AUTHENTICATION_FAILED");
    expect(error.message).toMatch(/does not know this API key.*BXNIM0415E/);
    expect(error.properties).toEqual(["ibm_api_key"]);
    expect(error.message).not.toContain(wrongKey);
  });

  it("says when the instance does not exist, or the key ring does not", async () => {
    const noInstance = await keyProtect.connect(target.properties("key_protect", { ibm_instance_id: randomUUID() }), testHost());
    const error = await failure(noInstance.test(testHost()));
    expect(error.code).toBe("INVALID_PROPERTIES");
    expect(error.properties).toContain("ibm_instance_id");
    // A missing ring is refused by every call, so the key ring check fails before anything else can.
    const noRing = await keyProtect.connect(target.properties("key_protect", { ibm_key_ring: "no-such-ring" }), testHost());
    expect((await failure(noRing.test(testHost()))).code).toBe("INVALID_PROPERTIES");
  });

  it("refuses a certificate it was not told to trust, and says so", async () => {
    const { ibm_ca_certificate: _, ...untrusting } = target.properties("key_protect");
    const session = await keyProtect.connect(untrusting, testHost());
    const error = await failure(session.test(testHost({ maxAttempts: 1 })));
    expect(error.code).toBe("UNREACHABLE");
    expect(error.message).toMatch(/certificate/i);
  });
});

describe.each([
  ["key_protect", keyProtect],
  ["hpcs", hpcs],
] as const)("%s keys", (variant, connector) => {
  let session: ConnectorSession;
  let keys: KeyOperations;
  beforeAll(async () => {
    session = await connector.connect(target.properties(variant), testHost());
    keys = session.keys!;
  });

  it("refuses RSA, EC and HMAC material: the service imports AES root keys only", async () => {
    const error = await failure(keys.installKey({ name: "uko-rsa", material: { spec: { algorithm: "hmac", size: "256" }, bytes: new Uint8Array(32) }, copy: copy(), options: {} }, testHost()));
    expect(error.code).toBe("UNSUPPORTED");
  });

  it("deletes (restorable for 30 days, a fixed window) and restores only with the material", async () => {
    const material = aesMaterial();
    const ref = copy();
    const key = await keys.installKey({ name: "uko-life", material, copy: ref, options: {} }, testHost());
    const deleted = await keys.scheduleKeyDeletion(key.keyId, {}, testHost());
    expect(deleted.state).toBe("pending_deletion");
    expect(deleted.deletionDate!.getTime() - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(await keys.findManagedCopy(ref, testHost())).toBeNull();
    expect((await failure(keys.cancelKeyDeletion!(key.keyId, testHost()))).code).toBe("UNSUPPORTED");
    const wrong = await failure(keys.cancelKeyDeletion!(key.keyId, testHost(), aesMaterial()));
    expect(wrong.code).toBe("REMOTE_ERROR");
    expect((await keys.cancelKeyDeletion!(key.keyId, testHost(), material)).state).toBe("enabled");
  });

  it("refuses to delete a key that protects cloud resources, naming them", async () => {
    const key = await keys.installKey({ name: "uko-registered", material: aesMaterial(), copy: copy(), options: {} }, testHost());
    target.emulator.inspect.addRegistration(target.instanceId(variant), key.keyId, "crn:v1:bluemix:public:cloud-object-storage:global:a/x:bucket:payroll");
    const error = await failure(keys.scheduleKeyDeletion(key.keyId, {}, testHost()));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toMatch(/bucket:payroll/);
    expect((await keys.describeKey(key.keyId, testHost())).state).toBe("enabled");
  });

  it("NOT_FOUND for a key id the instance does not have", async () => {
    expect((await failure(keys.describeKey(randomUUID(), testHost()))).code).toBe("NOT_FOUND");
    expect((await failure(keys.disableKey(randomUUID(), testHost()))).code).toBe("NOT_FOUND");
  });

  it("allows a second key with a taken name (IBM names are display names); the copy marks stay apart", async () => {
    const first = await keys.installKey({ name: "uko-same-name", material: aesMaterial(), copy: copy(), options: {} }, testHost());
    const ref = copy();
    const second = await keys.installKey({ name: "uko-same-name", material: aesMaterial(), copy: ref, options: {} }, testHost());
    expect(second.keyId).not.toBe(first.keyId);
    expect((await keys.findManagedCopy(ref, testHost()))?.keyId).toBe(second.keyId);
  });
});

describe("the wire", () => {
  it("exchanges the API key once per session and reuses the token", async () => {
    const session = await keyProtect.connect(target.properties("key_protect"), testHost());
    const before = target.emulator.inspect.requests().filter((r) => r.operation === "IamToken").length;
    for (let i = 0; i < 3; i++) await session.keys!.listKeys({ limit: 1 }, testHost());
    expect(target.emulator.inspect.requests().filter((r) => r.operation === "IamToken").length - before).toBe(1);
  });

  it("retries throttling and 5xx under the host's policy, then succeeds", async () => {
    const session = await keyProtect.connect(target.properties("key_protect"), testHost());
    await session.keys!.listKeys({ limit: 1 }, testHost());
    target.emulator.faults.inject({ kind: "throttle", operation: "ListKeys", times: 1 });
    target.emulator.faults.inject({ kind: "server_error", operation: "ListKeys", times: 1 });
    await session.keys!.listKeys({ limit: 1 }, testHost({ maxAttempts: 3 }));
    target.emulator.faults.inject({ kind: "throttle", operation: "ListKeys", times: 5 });
    expect((await failure(session.keys!.listKeys({ limit: 1 }, testHost({ maxAttempts: 2 })))).code).toBe("THROTTLED");
    target.emulator.faults.clear();
  });

  it("gives a hung call its own deadline and retries it within the operation's budget", async () => {
    const session = await keyProtect.connect(target.properties("key_protect"), testHost());
    await session.keys!.listKeys({ limit: 1 }, testHost());
    target.emulator.faults.inject({ kind: "hang", operation: "ListKeys", times: 1 });
    const started = Date.now();
    await session.keys!.listKeys({ limit: 1 }, testHost({ callTimeoutMs: 300, timeoutMs: 5_000 }));
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("an import wrapped with the other service's nonce cipher is refused by the instance", async () => {
    // A Key Protect session (AES-GCM nonce) pointed at the HPCS instance (AES-CBC).
    const mismatched = await keyProtect.connect(target.properties("key_protect", { ibm_instance_id: target.instanceId("hpcs") }), testHost());
    const error = await failure(mismatched.keys!.installKey({ name: "uko-mismatch", material: aesMaterial(), copy: copy(), options: {} }, testHost()));
    expect(error.code).toBe("REMOTE_ERROR");
    expect(error.message).toMatch(/nonce/);
  });
});
