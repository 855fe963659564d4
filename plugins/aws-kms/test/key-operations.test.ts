import { DescribeKeyCommand, KMSClient, ListKeysCommand } from "@aws-sdk/client-kms";
import { randomUUID } from "node:crypto";
import { ConnectorError, managedCopyTags, type ConnectorSession, type KeyOperations, type KeySpec } from "@uko/connector-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import awsKms from "../src/index.js";
import { materialFor } from "./materials.js";
import { ADMIN, onRealAws, openTarget, propertiesFor, testHost, type Target } from "./target.js";

let target: Target;
let session: ConnectorSession;
let keys: KeyOperations;
const host = () => testHost({ timeoutMs: 15_000 });
/** Every key a test installs, so that a run against real AWS leaves only keys pending deletion. */
const installed: string[] = [];

beforeAll(async () => {
  target = await openTarget();
  session = await awsKms.connect(target.properties, host());
  keys = session.keys!;
});
afterAll(async () => {
  if (onRealAws) {
    for (const keyId of installed) await keys.scheduleKeyDeletion(keyId, { aws_pending_window_days: 7 }, host()).catch(() => undefined);
  }
  await session?.close?.();
  await target?.close();
});

const uniqueName = (what: string) => `uko-test/${what}-${randomUUID().slice(0, 8)}`;
const COPY = { managedKeyId: "00000000-0000-4000-8000-000000000001", vaultId: "00000000-0000-4000-8000-000000000002", version: 1 };
const TAGS = managedCopyTags(COPY);

async function install(spec: KeySpec, name = uniqueName(`${spec.algorithm}-${spec.size}`)) {
  const material = materialFor(spec);
  const key = await keys.installKey({ name, description: `test ${spec.algorithm}`, material, copy: COPY, options: {} }, host());
  installed.push(key.keyId);
  return { key, material, name };
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

describe("installing a key (create for import, wrap, import, alias, tag)", () => {
  // Every kind AWS holds is installed and proven by the conformance kit (conformance.test.ts); this
  // checks what is AWS's own: the ARN, the description and the copy's tags.
  const specs: KeySpec[] = [{ algorithm: "aes", size: "256" }];
  for (const spec of specs) {
    it(`${spec.algorithm} ${spec.size}: enabled, named, tagged, and AWS holds exactly the gateway's material`, async () => {
      const { key, material, name } = await install(spec);
      expect(key.state).toBe("enabled");
      expect(key.spec).toEqual(spec);
      expect(key.name).toBe(name);
      expect(key.tags).toEqual(TAGS);
      expect(key.description).toBe(`test ${spec.algorithm}`);
      expect(key.resourceName).toMatch(/^arn:aws:kms:[a-z0-9-]+:\d{12}:key\//);
      if (target.emulator) {
        expect(target.emulator.inspect.keyHoldsMaterial(key.keyId, material.bytes)).toBe(true);
        expect(target.emulator.inspect.keyHoldsMaterial(key.keyId, materialFor(spec).bytes)).toBe(false);
      }
    });
  }

  it("refuses a kind AWS cannot hold, before calling AWS", async () => {
    const error = await failure(keys.installKey({ name: uniqueName("aes128"), material: materialFor({ algorithm: "aes", size: "128" }), copy: COPY, options: {} }, host()));
    expect(error.code).toBe("UNSUPPORTED");
    expect(error.message).toContain("aes 128");
  });

  it("a taken name is a CONFLICT that creates nothing", async () => {
    const { name } = await install({ algorithm: "aes", size: "256" });
    const count = target.emulator?.inspect.keyCount();
    const error = await failure(keys.installKey({ name, material: materialFor({ algorithm: "aes", size: "256" }), copy: COPY, options: {} }, host()));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toContain(`alias/${name}`);
    if (target.emulator) expect(target.emulator.inspect.keyCount()).toBe(count);
  });

  it.skipIf(onRealAws)("a principal without kms:ImportKeyMaterial gets PERMISSION_DENIED and leaves only a key pending deletion", async () => {
    const emulator = target.emulator!;
    const noImport = {
      accessKeyId: "EMUKUKOTESTNOIMPORT1",
      secretAccessKey: "noimport/Secret+00000000000000000000000",
      userName: "uko-no-import",
      allowedActions: ["kms:CreateKey", "kms:DescribeKey", "kms:GetParametersForImport", "kms:ScheduleKeyDeletion", "kms:ListAliases", "kms:ListResourceTags", "kms:ListKeys"],
    };
    emulator.setIdentity(noImport);
    const limited = await awsKms.connect(propertiesFor(emulator, noImport), host());
    try {
      const error = await failure(limited.keys!.installKey({ name: uniqueName("denied"), material: materialFor({ algorithm: "aes", size: "256" }), copy: COPY, options: {} }, host()));
      expect(error.code).toBe("PERMISSION_DENIED");
      expect(error.message).toContain("kms:ImportKeyMaterial");
      // The key it had to create is on its way out, at AWS's shortest waiting period.
      const page = await keys.listKeys({ limit: 1000 }, host());
      const leftovers = page.items.filter((k) => k.state !== "enabled" && k.state !== "disabled" && k.tags["uko:managed-key-id"] === COPY.managedKeyId);
      expect(leftovers.map((k) => k.state)).toEqual(["pending_deletion"]);
      const days = (leftovers[0]!.deletionDate!.getTime() - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(6.9);
      expect(days).toBeLessThan(7.1);
    } finally {
      await limited.close?.();
    }
  });
});

describe("a key's lifecycle", () => {
  it("disable, enable, schedule deletion within 7–30 days, cancel (back disabled)", async () => {
    const { key } = await install({ algorithm: "aes", size: "256" });
    expect((await keys.disableKey(key.keyId, host())).state).toBe("disabled");
    expect((await keys.enableKey(key.keyId, host())).state).toBe("enabled");

    for (const days of [6, 31, 7.5]) {
      const error = await failure(keys.scheduleKeyDeletion(key.keyId, { aws_pending_window_days: days }, host()));
      expect(error.code).toBe("UNSUPPORTED");
    }
    const pending = await keys.scheduleKeyDeletion(key.keyId, { aws_pending_window_days: 10 }, host());
    expect(pending.state).toBe("pending_deletion");
    expect(Math.round((pending.deletionDate!.getTime() - Date.now()) / 86_400_000)).toBe(10);
    // AWS refuses to enable a key that is pending deletion.
    expect((await failure(keys.enableKey(key.keyId, host()))).code).toBe("CONFLICT");

    const back = await keys.cancelKeyDeletion!(key.keyId, host());
    expect(back.state).toBe("disabled");
    expect(back.deletionDate).toBeUndefined();
  });

  it("re-import accepts the key's own material and refuses another as a CONFLICT", async () => {
    const { key, material } = await install({ algorithm: "hmac", size: "256" });
    expect((await keys.reimportKeyMaterial!(key.keyId, material, host())).state).toBe("enabled");
    const error = await failure(keys.reimportKeyMaterial!(key.keyId, materialFor({ algorithm: "hmac", size: "256" }), host()));
    expect(error.code).toBe("CONFLICT");
    if (target.emulator) expect(target.emulator.inspect.keyHoldsMaterial(key.keyId, material.bytes)).toBe(true);
  });
});

describe("verify_material: proving what a key holds without exporting it", () => {
  const provable: KeySpec[] = [
    { algorithm: "hmac", size: "384" },
    { algorithm: "rsa", size: "2048" },
    { algorithm: "ec", size: "P-256" },
    { algorithm: "ec", size: "secp256k1" },
  ];
  for (const spec of provable) {
    it(`${spec.algorithm} ${spec.size}: true for the key's own material, false for other material (wrong_key)`, async () => {
      const { key, material } = await install(spec);
      expect(await keys.verifyKeyMaterial!(key.keyId, material, host())).toBe(true);
      expect(await keys.verifyKeyMaterial!(key.keyId, materialFor(spec), host())).toBe(false);
    });
  }

  it("material of another kind is not the key's; AES keys and disabled keys cannot be proven (UNSUPPORTED, not a finding)", async () => {
    const hmac = await install({ algorithm: "hmac", size: "256" });
    expect(await keys.verifyKeyMaterial!(hmac.key.keyId, materialFor({ algorithm: "hmac", size: "512" }), host())).toBe(false);
    const aes = await install({ algorithm: "aes", size: "256" });
    expect((await failure(keys.verifyKeyMaterial!(aes.key.keyId, aes.material, host()))).code).toBe("UNSUPPORTED");
    await keys.disableKey(hmac.key.keyId, host());
    expect((await failure(keys.verifyKeyMaterial!(hmac.key.keyId, hmac.material, host()))).code).toBe("UNSUPPORTED");
  });

  it("is declared in the capabilities", () => {
    expect(awsKms.capabilities.operations).toContain("verify_material");
  });
});

describe("what AWS puts in every account", () => {
  it.skipIf(onRealAws)("AWS managed keys and aliases (alias/aws/*) are not listed as keys the gateway could manage", async () => {
    const page = await keys.listKeys({ limit: 1000 }, host());
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((k) => !k.name?.startsWith("aws/"))).toBe(true);
    // The account does have them: AWS's own listing shows the AWS managed key behind alias/aws/ebs.
    const raw = new KMSClient({ region: target.emulator!.region, endpoint: target.emulator!.endpoint, credentials: ADMIN, maxAttempts: 1 });
    try {
      const ebs = (await raw.send(new DescribeKeyCommand({ KeyId: "alias/aws/ebs" }))).KeyMetadata!;
      expect(ebs.KeyManager).toBe("AWS");
      expect((await raw.send(new ListKeysCommand({ Limit: 1000 }))).Keys!.map((k) => k.KeyId)).toContain(ebs.KeyId);
      expect(page.items.map((k) => k.keyId)).not.toContain(ebs.KeyId);
    } finally {
      raw.destroy();
    }
  });
});
