import { CreateKeyCommand, DescribeKeyCommand, DisableKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { startAwsKmsEmulator, type AwsKmsEmulator } from "@uko/connector-aws-kms/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RootKey } from "../src/crypto/seal.js";
import { materialAad } from "../src/keys/material.js";
import { providers, startTestGateway, type TestGateway } from "./harness.js";
import { byKeystore, CREATE_KEY, createTemplate, KEY, lifecycle, SYNC, type Status } from "./keys-fixture.js";

/**
 * Managed keys in AWS KMS, through the emulator: two keystores in two AWS accounts. Every check
 * that a keystore holds a key compares the emulator's unwrapped bytes with the gateway's sealed
 * material, opened here with the test's root key.
 */
const ACCOUNT_A = { accessKeyId: "EMUKKEYSACCOUNTA0001", secretAccessKey: "keys/Account+A00000000000000000000000001", accountId: "111111111111", userName: "uko-a" };
const ACCOUNT_B = { accessKeyId: "EMUKKEYSACCOUNTB0001", secretAccessKey: "keys/Account+B00000000000000000000000001", accountId: "222222222222", userName: "uko-b" };
const CONNECT = `mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { ... on ConnectKeystoreSuccess { keystore { id status { health } } } ... on Error { message } } }`;

describe.each(await providers())("managed keys in AWS KMS on %s", (provider) => {
  let t: TestGateway;
  let emulator: AwsKmsEmulator;
  let vaultId: string;
  let rootKey: RootKey;

  const materialOf = async (keyId: string) => {
    const v = await t.gateway.database.db.managedKeyVersion.findFirstOrThrow({ where: { managedKeyId: keyId, number: 1 } });
    return rootKey.open(Buffer.from(v.sealedMaterial), materialAad(keyId, 1));
  };
  const act = async (name: "activate" | "deactivate" | "destroy" | "rotate", key: { id: string; version: number }) =>
    (await t.gql(lifecycle(name), { input: { id: key.id, expectedVersion: key.version } })).data[`${name}ManagedKey`];
  const newKey = async (templateId: string, label: string) =>
    (await t.gql(CREATE_KEY, { input: { vaultId, templateId, label, namingValues: [{ name: "app", value: label.replace(/[^A-Za-z0-9]/g, "") }] } })).data.createManagedKey.managedKey;

  beforeAll(async () => {
    emulator = await startAwsKmsEmulator({ region: "eu-central-1", identities: [ACCOUNT_A, ACCOUNT_B], wrappingKeyBits: { RSA_3072: true } });
    t = await startTestGateway(provider, { destroyWaitSeconds: 0, connectorTimeoutMs: 10_000 });
    rootKey = new RootKey(Buffer.from(t.config.rootKey!, "base64"));
    vaultId = (await t.gql(`mutation { createVault(input: { name: "aws" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault.id;
    for (const [name, id] of [["aws-a", ACCOUNT_A], ["aws-b", ACCOUNT_B]] as const) {
      const r = await t.gql(CONNECT, {
        input: { vaultId, name, groups: ["prod"], properties: { awsKms: { awsRegion: "eu-central-1", awsAccessKeyId: id.accessKeyId, awsSecretAccessKey: id.secretAccessKey, awsEndpoint: emulator.endpoint } } },
      });
      expect(r.data.connectKeystore.keystore.status.health).toBe("OK");
    }
  });
  afterAll(async () => {
    await t?.close();
    await emulator?.close();
  });

  const kinds = [
    ["AES", "256"],
    ["HMAC", "384"],
    ["RSA", "2048"],
    ["EC", "P-256"],
  ] as const;
  for (const [algorithm, size] of kinds) {
    it(`${algorithm} ${size}: activated in both accounts, each holding the gateway's bytes under the key's alias`, async () => {
      const templateId = await createTemplate(t, { vaultId, name: `${algorithm.toLowerCase()}-${size.replace("-", "")}-${provider}`, type: "aws_kms", group: "prod", algorithm, size, namingScheme: "uko/<app>" });
      const key = await newKey(templateId, `${algorithm}-${size}-${provider}`);
      const active = (await act("activate", key)).managedKey;
      expect(active).toMatchObject({ state: "ACTIVE", usable: true });
      const material = await materialOf(key.id);
      for (const s of active.statusInKeystores as (Status & { resourceName: string })[]) {
        expect(s).toMatchObject({ status: "ACTIVE", syncFlag: "OK" });
        expect(s.resourceName).toContain(s.keystoreName === "aws-a" ? ":111111111111:key/" : ":222222222222:key/");
        expect(emulator.inspect.keyHoldsMaterial(s.keyIdInKeystore!, material)).toBe(true);
      }
    });
  }

  it("deactivates (AWS Disabled) and destroys (AWS PendingDeletion after the template's 7 days)", async () => {
    const templateId = await createTemplate(t, { vaultId, name: `life-${provider}`, type: "aws_kms", group: "prod", namingScheme: "uko/<app>" });
    const key = (await act("activate", await newKey(templateId, `life-${provider}`))).managedKey;
    const off = (await act("deactivate", key)).managedKey;
    for (const s of off.statusInKeystores as Status[]) expect(s).toMatchObject({ status: "NOT_ACTIVE", syncFlag: "OK" });
    const gone = (await act("destroy", off)).managedKey;
    for (const s of gone.statusInKeystores as (Status & { deletionDate: string })[]) {
      expect(s).toMatchObject({ status: "PENDING_DESTRUCTION", syncFlag: "OK" });
      expect(Math.round((Date.parse(s.deletionDate) - Date.now()) / 86_400_000)).toBe(7);
    }
  });

  it("rotates: a new AWS key with the new material, the alias moved to it, the old key kept", async () => {
    const templateId = await createTemplate(t, { vaultId, name: `rotate-${provider}`, type: "aws_kms", group: "prod", algorithm: "HMAC", size: "256", namingScheme: "uko/<app>" });
    const key = (await act("activate", await newKey(templateId, `rotate-${provider}`))).managedKey;
    const v1 = await materialOf(key.id);
    const rotated = (await act("rotate", key)).managedKey;
    expect(rotated.keyVersion).toBe(2);
    const v2Row = await t.gateway.database.db.managedKeyVersion.findFirstOrThrow({ where: { managedKeyId: key.id, number: 2 } });
    const v2 = rootKey.open(Buffer.from(v2Row.sealedMaterial), materialAad(key.id, 2));
    const sdk = new KMSClient({ region: "eu-central-1", endpoint: emulator.endpoint, credentials: ACCOUNT_A, maxAttempts: 1 });
    try {
      const now = byKeystore(rotated)["aws-a"];
      const old = byKeystore(key)["aws-a"];
      expect(now).toMatchObject({ status: "ACTIVE", syncFlag: "OK", keyVersion: 2, replacedKeyIds: [old.keyIdInKeystore] });
      expect(now.keyIdInKeystore).not.toBe(old.keyIdInKeystore);
      const byAlias = await sdk.send(new DescribeKeyCommand({ KeyId: `alias/${key.nameInKeystores}` }));
      expect(byAlias.KeyMetadata?.KeyId).toBe(now.keyIdInKeystore);
      expect(emulator.inspect.keyHoldsMaterial(now.keyIdInKeystore, v2)).toBe(true);
      expect(emulator.inspect.keyHoldsMaterial(old.keyIdInKeystore, v1)).toBe(true);
      expect((await sdk.send(new DescribeKeyCommand({ KeyId: old.keyIdInKeystore }))).KeyMetadata?.KeyState).toBe("Enabled");
    } finally {
      sdk.destroy();
    }
  });

  it("a key disabled directly in AWS is out of sync until syncManagedKey enables it again", async () => {
    const templateId = await createTemplate(t, { vaultId, name: `drift-${provider}`, type: "aws_kms", group: "prod", namingScheme: "uko/<app>" });
    const key = (await act("activate", await newKey(templateId, `drift-${provider}`))).managedKey;
    const inA = byKeystore(key)["aws-a"]!;
    const sdk = new KMSClient({ region: "eu-central-1", endpoint: emulator.endpoint, credentials: ACCOUNT_A, maxAttempts: 1 });
    await sdk.send(new DisableKeyCommand({ KeyId: inA.keyIdInKeystore! }));
    sdk.destroy();

    const seen = byKeystore((await t.gql(SYNC, { input: { id: key.id, dryRun: true } })).data.syncManagedKey.managedKey);
    expect(seen["aws-a"]).toMatchObject({ status: "NOT_ACTIVE", syncFlag: "OUT_OF_SYNC", detail: "active_key_is_not_active_in_keystore" });
    expect(seen["aws-b"]).toMatchObject({ status: "ACTIVE", syncFlag: "OK" });
    const pushed = byKeystore((await t.gql(SYNC, { input: { id: key.id } })).data.syncManagedKey.managedKey);
    expect(pushed["aws-a"]).toMatchObject({ status: "ACTIVE", syncFlag: "OK", keyIdInKeystore: inA.keyIdInKeystore });
  });

  it("an account that may not import: the other is active, nothing is orphaned, and sync finishes once allowed", async () => {
    const templateId = await createTemplate(t, { vaultId, name: `partial-${provider}`, type: "aws_kms", group: "prod", namingScheme: "uko/<app>" });
    emulator.setIdentity({ ...ACCOUNT_B, allowedActions: ["kms:CreateKey", "kms:DescribeKey", "kms:GetParametersForImport", "kms:ScheduleKeyDeletion", "kms:ListAliases", "kms:ListResourceTags", "kms:ListKeys"] });
    try {
      const key = (await act("activate", await newKey(templateId, `partial-${provider}`))).managedKey;
      const status = byKeystore(key);
      expect(key.usable).toBe(true);
      expect(status["aws-a"]).toMatchObject({ status: "ACTIVE", syncFlag: "OK" });
      expect(status["aws-b"]).toMatchObject({ status: "ERROR", syncFlag: "ERROR", pending: true, keyIdInKeystore: null });
      expect(status["aws-b"].error).toContain("kms:ImportKeyMaterial");
    } finally {
      emulator.setIdentity(ACCOUNT_B);
    }
    const key = (await t.gql(`{ managedKeys(filter: { labelPrefix: "partial-${provider}" }) { nodes { id } } }`)).data.managedKeys.nodes[0];
    const synced = byKeystore((await t.gql(SYNC, { input: { id: key.id } })).data.syncManagedKey.managedKey);
    expect(synced["aws-b"]).toMatchObject({ status: "ACTIVE", syncFlag: "OK", pending: false });
    expect(emulator.inspect.keyHoldsMaterial(synced["aws-b"].keyIdInKeystore!, await materialOf(key.id))).toBe(true);
  });

  it("resumes an installation a crash interrupted, adopting the copy AWS already holds instead of creating another", async () => {
    const templateId = await createTemplate(t, { vaultId, name: `crash-${provider}`, type: "aws_kms", group: "prod", namingScheme: "uko/<app>" });
    const key = await newKey(templateId, `crash-${provider}`);
    const material = await materialOf(key.id);
    const keystoreA = await t.gateway.database.db.keystore.findFirstOrThrow({ where: { name: "aws-a" } });
    // The state a crash leaves: the key marked active and pending in aws-a, and the remote copy created, tagged, but not yet recorded.
    await t.gateway.database.db.managedKey.update({ where: { id: key.id }, data: { state: "ACTIVE", version: { increment: 1 } } });
    await t.gateway.database.db.keyInstance.create({ data: { managedKeyId: key.id, keystoreId: keystoreA.id, keystoreName: "aws-a", pendingAction: "reconcile", pendingSince: new Date() } });
    // The crash came after CreateKey: the copy exists, tagged, waiting for its material, without its alias.
    const sdk = new KMSClient({ region: "eu-central-1", endpoint: emulator.endpoint, credentials: ACCOUNT_A, maxAttempts: 1 });
    const tags = { "uko:managed-by": "uko-gateway", "uko:managed-key-id": key.id, "uko:vault-id": vaultId, "uko:key-version": "1" };
    const created = await sdk.send(new CreateKeyCommand({ Origin: "EXTERNAL", KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT", Tags: Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) }));
    const before = { keyId: created.KeyMetadata!.KeyId! };
    const keysBefore = emulator.inspect.keyCount();

    expect(await t.gateway.services.keys.resumePending()).toBe(1);
    const after = byKeystore((await t.gql(KEY, { id: key.id })).data.managedKey);
    expect(after["aws-a"]).toMatchObject({ status: "ACTIVE", syncFlag: "OK", pending: false, keyIdInKeystore: before.keyId });
    expect(emulator.inspect.keyCount()).toBe(keysBefore);
    expect(emulator.inspect.keyHoldsMaterial(before.keyId, material)).toBe(true);
    expect((await sdk.send(new DescribeKeyCommand({ KeyId: `alias/${key.nameInKeystores}` }))).KeyMetadata?.KeyId).toBe(before.keyId);
    sdk.destroy();
  });
});
