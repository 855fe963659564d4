process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

import {
  AlreadyExistsException,
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  GetKeyPolicyCommand,
  InvalidArnException,
  InvalidMarkerException,
  KMSClient,
  KMSInvalidStateException,
  ListAliasesCommand,
  ListKeyPoliciesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  MalformedPolicyDocumentException,
  NotFoundException,
  ScheduleKeyDeletionCommand,
  TagException,
  TagResourceCommand,
  UntagResourceCommand,
  UnsupportedOperationException,
  UpdateAliasCommand,
} from "@aws-sdk/client-kms";
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { rejection } from "../../test/kms-rejection.js";
import { startAwsKmsEmulator, type AwsKmsEmulator } from "./index.js";

let emulator: AwsKmsEmulator;
let kms: KMSClient;
let clockOffsetMs = 0;
const DAY_MS = 86_400_000;

beforeAll(async () => {
  emulator = await startAwsKmsEmulator({ region: "eu-central-1", now: () => new Date(Date.now() + clockOffsetMs) });
  kms = clientAt(0);
});
afterEach(() => {
  clockOffsetMs = 0;
});
afterAll(async () => {
  kms?.destroy();
  await emulator?.close();
});

function clientAt(offsetMs: number): KMSClient {
  const identity = emulator.identities[0]!;
  return new KMSClient({
    region: emulator.region,
    endpoint: emulator.endpoint,
    credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey },
    maxAttempts: 1,
    systemClockOffset: offsetMs,
  });
}


const newKey = async (input: ConstructorParameters<typeof CreateKeyCommand>[0] = {}) => (await kms.send(new CreateKeyCommand(input))).KeyMetadata!;
const stateOf = async (KeyId: string) => (await kms.send(new DescribeKeyCommand({ KeyId }))).KeyMetadata!.KeyState;
const uniqueAlias = (what: string) => `alias/test/${what}-${randomUUID().slice(0, 8)}`;

describe("CreateKey", () => {
  it("creates each spec with its usage and describes it as AWS does", async () => {
    const symmetric = await newKey({ Description: "d" });
    expect(symmetric).toMatchObject({
      AWSAccountId: emulator.accountId,
      Enabled: true,
      Description: "d",
      KeyUsage: "ENCRYPT_DECRYPT",
      KeyState: "Enabled",
      Origin: "AWS_KMS",
      KeyManager: "CUSTOMER",
      KeySpec: "SYMMETRIC_DEFAULT",
      CustomerMasterKeySpec: "SYMMETRIC_DEFAULT",
      EncryptionAlgorithms: ["SYMMETRIC_DEFAULT"],
      MultiRegion: false,
    });
    expect(symmetric.Arn).toBe(`arn:aws:kms:eu-central-1:${emulator.accountId}:key/${symmetric.KeyId}`);
    expect(symmetric.CreationDate).toBeInstanceOf(Date);
    expect(Math.abs(symmetric.CreationDate!.getTime() - Date.now())).toBeLessThan(5_000);
    // AWS_KMS keys have material the emulator generated.
    expect(emulator.inspect.keyCheckValue(symmetric.KeyId!)).toMatch(/^[0-9a-f]{6}$/);

    expect((await newKey({ KeySpec: "HMAC_512", KeyUsage: "GENERATE_VERIFY_MAC" })).MacAlgorithms).toEqual(["HMAC_SHA_512"]);
    expect((await newKey({ KeySpec: "ECC_NIST_P384", KeyUsage: "SIGN_VERIFY" })).SigningAlgorithms).toEqual(["ECDSA_SHA_384"]);
    expect((await newKey({ KeySpec: "ECC_NIST_P256", KeyUsage: "KEY_AGREEMENT", Origin: "EXTERNAL" })).KeyAgreementAlgorithms).toEqual(["ECDH"]);
    expect((await newKey({ KeySpec: "RSA_2048", KeyUsage: "ENCRYPT_DECRYPT", Origin: "EXTERNAL" })).EncryptionAlgorithms).toEqual(["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]);
  });

  it("refuses a usage the spec does not have, as AWS does", async () => {
    for (const [KeySpec, KeyUsage] of [
      ["HMAC_256", "ENCRYPT_DECRYPT"],
      ["SYMMETRIC_DEFAULT", "SIGN_VERIFY"],
      ["ECC_SECG_P256K1", "KEY_AGREEMENT"],
      ["RSA_3072", "GENERATE_VERIFY_MAC"],
    ] as const) {
      const error = await rejection(kms.send(new CreateKeyCommand({ KeySpec, KeyUsage, Origin: "EXTERNAL" })));
      expect(error.name, `${KeySpec}/${KeyUsage}`).toBe("ValidationException");
    }
    // An HMAC key needs its usage said: the default, ENCRYPT_DECRYPT, does not fit.
    expect((await rejection(kms.send(new CreateKeyCommand({ KeySpec: "HMAC_256" })))).name).toBe("ValidationException");
  });

  it("validates the description and tags", async () => {
    const before = emulator.inspect.keyCount();
    expect((await rejection(kms.send(new CreateKeyCommand({ Description: "x".repeat(8193) })))).name).toBe("ValidationException");
    await newKey({ Description: "x".repeat(8192) });
    for (const tag of [
      { TagKey: "aws:reserved", TagValue: "v" },
      { TagKey: "", TagValue: "v" },
      { TagKey: "k".repeat(129), TagValue: "v" },
      { TagKey: "k", TagValue: "v".repeat(257) },
    ]) {
      expect(await rejection(kms.send(new CreateKeyCommand({ Tags: [tag] })))).toBeInstanceOf(TagException);
    }
    const tagged = await newKey({ Tags: [{ TagKey: "k".repeat(128), TagValue: "v".repeat(256) }, { TagKey: "empty", TagValue: "" }] });
    expect((await kms.send(new ListResourceTagsCommand({ KeyId: tagged.KeyId }))).Tags).toHaveLength(2);
    expect(emulator.inspect.keyCount()).toBe(before + 2);
  });
});

describe("the key state machine", () => {
  it("disable and enable", async () => {
    const { KeyId } = await newKey();
    await kms.send(new DisableKeyCommand({ KeyId }));
    expect(await stateOf(KeyId!)).toBe("Disabled");
    expect((await kms.send(new DescribeKeyCommand({ KeyId }))).KeyMetadata!.Enabled).toBe(false);
    await kms.send(new EnableKeyCommand({ KeyId }));
    expect(await stateOf(KeyId!)).toBe("Enabled");
  });

  it("a key pending import can be neither enabled nor disabled", async () => {
    const { KeyId, Arn } = await newKey({ Origin: "EXTERNAL" });
    const error = await rejection(kms.send(new EnableKeyCommand({ KeyId })));
    expect(error).toBeInstanceOf(KMSInvalidStateException);
    expect(error.message).toBe(`${Arn} is pending import.`);
    expect(await rejection(kms.send(new DisableKeyCommand({ KeyId })))).toBeInstanceOf(KMSInvalidStateException);
  });

  it("schedules deletion 7 to 30 days out (default 30), refuses other windows, and cancels back to Disabled", async () => {
    const { KeyId, Arn } = await newKey();
    for (const days of [6, 31]) {
      const error = await rejection(kms.send(new ScheduleKeyDeletionCommand({ KeyId, PendingWindowInDays: days })));
      expect(error.name).toBe("ValidationException");
      expect(error.message).toContain(`Value '${days}' at 'pendingWindowInDays' failed to satisfy constraint`);
    }
    expect(await stateOf(KeyId!)).toBe("Enabled");

    const scheduled = await kms.send(new ScheduleKeyDeletionCommand({ KeyId, PendingWindowInDays: 7 }));
    expect(scheduled.KeyId).toBe(Arn);
    expect(scheduled.KeyState).toBe("PendingDeletion");
    expect(scheduled.PendingWindowInDays).toBe(7);
    expect(Math.abs(scheduled.DeletionDate!.getTime() - (Date.now() + 7 * DAY_MS))).toBeLessThan(5_000);
    const described = (await kms.send(new DescribeKeyCommand({ KeyId }))).KeyMetadata!;
    expect(described.KeyState).toBe("PendingDeletion");
    expect(described.PendingDeletionWindowInDays).toBe(7);

    // Nothing but describing, listing and cancelling works on a key pending deletion.
    for (const attempt of [
      kms.send(new EnableKeyCommand({ KeyId })),
      kms.send(new DisableKeyCommand({ KeyId })),
      kms.send(new ScheduleKeyDeletionCommand({ KeyId })),
      kms.send(new TagResourceCommand({ KeyId, Tags: [{ TagKey: "k", TagValue: "v" }] })),
      kms.send(new CreateAliasCommand({ AliasName: uniqueAlias("pending"), TargetKeyId: KeyId })),
    ]) {
      const error = await rejection(attempt);
      expect(error).toBeInstanceOf(KMSInvalidStateException);
      expect(error.message).toBe(`${Arn} is pending deletion.`);
    }

    expect((await kms.send(new CancelKeyDeletionCommand({ KeyId }))).KeyId).toBe(Arn);
    const back = (await kms.send(new DescribeKeyCommand({ KeyId }))).KeyMetadata!;
    expect(back.KeyState).toBe("Disabled");
    expect(back.DeletionDate).toBeUndefined();
    expect(await rejection(kms.send(new CancelKeyDeletionCommand({ KeyId })))).toBeInstanceOf(KMSInvalidStateException);

    const defaulted = await kms.send(new ScheduleKeyDeletionCommand({ KeyId }));
    expect(defaulted.PendingWindowInDays).toBe(30);
  });

  it("a key pending deletion is really gone, with its aliases, once the emulator's clock passes the deletion date", async () => {
    const { KeyId } = await newKey();
    const alias = uniqueAlias("doomed");
    await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: KeyId }));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId, PendingWindowInDays: 7 }));
    const count = emulator.inspect.keyCount();

    clockOffsetMs = 7 * DAY_MS - 60_000;
    const almost = clientAt(clockOffsetMs);
    expect((await almost.send(new DescribeKeyCommand({ KeyId }))).KeyMetadata!.KeyState).toBe("PendingDeletion");
    almost.destroy();

    clockOffsetMs = 7 * DAY_MS + 60_000;
    const after = clientAt(clockOffsetMs);
    try {
      expect(await rejection(after.send(new DescribeKeyCommand({ KeyId })))).toBeInstanceOf(NotFoundException);
      expect(await rejection(after.send(new DescribeKeyCommand({ KeyId: alias })))).toBeInstanceOf(NotFoundException);
      expect((await after.send(new ListKeysCommand({ Limit: 1000 }))).Keys!.map((k) => k.KeyId)).not.toContain(KeyId);
      expect(emulator.inspect.keyCount()).toBe(count - 1);
    } finally {
      after.destroy();
    }
  });
});

describe("aliases", () => {
  it("creates, refuses a duplicate, describes by alias name and ARN, lists with a KeyId filter, updates and deletes", async () => {
    const first = await newKey();
    const second = await newKey();
    const name = uniqueAlias("main");
    await kms.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: first.KeyId }));
    expect(await rejection(kms.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: second.KeyId })))).toBeInstanceOf(AlreadyExistsException);

    expect((await kms.send(new DescribeKeyCommand({ KeyId: name }))).KeyMetadata!.KeyId).toBe(first.KeyId);
    const aliasArn = `arn:aws:kms:eu-central-1:${emulator.accountId}:${name}`;
    expect((await kms.send(new DescribeKeyCommand({ KeyId: aliasArn }))).KeyMetadata!.KeyId).toBe(first.KeyId);

    const extra = uniqueAlias("extra");
    await kms.send(new CreateAliasCommand({ AliasName: extra, TargetKeyId: first.KeyId }));
    const listed = (await kms.send(new ListAliasesCommand({ KeyId: first.KeyId }))).Aliases!;
    expect(listed.map((a) => a.AliasName).sort()).toEqual([name, extra].sort());
    expect(listed.find((a) => a.AliasName === name)).toMatchObject({ AliasArn: aliasArn, TargetKeyId: first.KeyId });
    expect(listed[0]!.CreationDate).toBeInstanceOf(Date);
    expect((await kms.send(new ListAliasesCommand({ KeyId: second.KeyId }))).Aliases).toEqual([]);

    await kms.send(new UpdateAliasCommand({ AliasName: name, TargetKeyId: second.KeyId }));
    expect((await kms.send(new DescribeKeyCommand({ KeyId: name }))).KeyMetadata!.KeyId).toBe(second.KeyId);

    await kms.send(new DeleteAliasCommand({ AliasName: name }));
    expect(await rejection(kms.send(new DescribeKeyCommand({ KeyId: name })))).toBeInstanceOf(NotFoundException);
    expect(await rejection(kms.send(new DeleteAliasCommand({ AliasName: name })))).toBeInstanceOf(NotFoundException);
  });

  it("validates alias names and targets", async () => {
    const { KeyId } = await newKey();
    for (const AliasName of ["no-prefix", "alias/", "alias/aws/mine", "alias/has space", `alias/${"a".repeat(251)}`]) {
      expect((await rejection(kms.send(new CreateAliasCommand({ AliasName, TargetKeyId: KeyId })))).name, AliasName).toBe("ValidationException");
    }
    await kms.send(new CreateAliasCommand({ AliasName: `alias/${"a".repeat(240)}-${randomUUID().slice(0, 8)}`, TargetKeyId: KeyId }));
    const missing = await rejection(kms.send(new CreateAliasCommand({ AliasName: uniqueAlias("orphan"), TargetKeyId: randomUUID() })));
    expect(missing).toBeInstanceOf(NotFoundException);
    expect(missing.message).toMatch(/^Key 'arn:aws:kms:eu-central-1:\d{12}:key\/[0-9a-f-]+' does not exist$/);
  });

  it("an alias cannot move to a key of another kind", async () => {
    const symmetric = await newKey();
    const hmac = await newKey({ KeySpec: "HMAC_256", KeyUsage: "GENERATE_VERIFY_MAC" });
    const name = uniqueAlias("kind");
    await kms.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: symmetric.KeyId }));
    expect((await rejection(kms.send(new UpdateAliasCommand({ AliasName: name, TargetKeyId: hmac.KeyId })))).name).toBe("ValidationException");
    expect((await kms.send(new DescribeKeyCommand({ KeyId: name }))).KeyMetadata!.KeyId).toBe(symmetric.KeyId);
  });
});

describe("tags", () => {
  it("tags, overwrites, untags and lists", async () => {
    const { KeyId } = await newKey({ Tags: [{ TagKey: "team", TagValue: "a" }] });
    await kms.send(new TagResourceCommand({ KeyId, Tags: [{ TagKey: "team", TagValue: "b" }, { TagKey: "env", TagValue: "test" }] }));
    expect((await kms.send(new ListResourceTagsCommand({ KeyId }))).Tags).toEqual([
      { TagKey: "env", TagValue: "test" },
      { TagKey: "team", TagValue: "b" },
    ]);
    await kms.send(new UntagResourceCommand({ KeyId, TagKeys: ["team", "not-there"] }));
    expect((await kms.send(new ListResourceTagsCommand({ KeyId }))).Tags).toEqual([{ TagKey: "env", TagValue: "test" }]);
    expect(await rejection(kms.send(new TagResourceCommand({ KeyId, Tags: [{ TagKey: "AWS:x", TagValue: "v" }] })))).toBeInstanceOf(TagException);
    expect(await rejection(kms.send(new ListResourceTagsCommand({ KeyId: randomUUID() })))).toBeInstanceOf(NotFoundException);
  });

  it("at most 50 tags per key", async () => {
    const { KeyId } = await newKey({ Tags: Array.from({ length: 50 }, (_, i) => ({ TagKey: `t${i}`, TagValue: "" })) });
    expect((await rejection(kms.send(new TagResourceCommand({ KeyId, Tags: [{ TagKey: "one-more", TagValue: "" }] })))).name).toBe("LimitExceededException");
  });
});

describe("pagination", () => {
  it("pages ListKeys with Limit, Truncated and NextMarker, in a stable order", async () => {
    const fresh = await startAwsKmsEmulator();
    const identity = fresh.identities[0]!;
    const client = new KMSClient({ region: fresh.region, endpoint: fresh.endpoint, credentials: identity, maxAttempts: 1 });
    try {
      const created: string[] = [];
      for (let i = 0; i < 5; i++) created.push((await client.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!);
      const pages: { ids: string[]; truncated: boolean | undefined; marker: string | undefined }[] = [];
      let Marker: string | undefined;
      do {
        const out = await client.send(new ListKeysCommand({ Limit: 2, ...(Marker ? { Marker } : {}) }));
        pages.push({ ids: out.Keys!.map((k) => k.KeyId!), truncated: out.Truncated, marker: out.NextMarker });
        Marker = out.NextMarker;
      } while (Marker);
      // The account's two AWS managed keys (alias/aws/ebs, alias/aws/s3) came with it, so they list first.
      expect(pages.map((p) => p.ids.length)).toEqual([2, 2, 2, 1]);
      expect(pages.map((p) => p.truncated)).toEqual([true, true, true, false]);
      expect(pages[3]!.marker).toBeUndefined();
      expect(pages.flatMap((p) => p.ids).slice(2)).toEqual(created);

      // A marker stays valid when keys are created after it was handed out.
      const first = await client.send(new ListKeysCommand({ Limit: 4 }));
      await client.send(new CreateKeyCommand({}));
      const next = await client.send(new ListKeysCommand({ Limit: 10, Marker: first.NextMarker }));
      expect(next.Keys!.map((k) => k.KeyId)).toEqual([...created.slice(2), expect.any(String)]);

      expect(await rejection(client.send(new ListKeysCommand({ Marker: "not-a-marker" })))).toBeInstanceOf(InvalidMarkerException);
      // A marker from another listing is not valid here either.
      const tagged = (await client.send(new CreateKeyCommand({ Tags: [{ TagKey: "a", TagValue: "" }, { TagKey: "b", TagValue: "" }] }))).KeyMetadata!.KeyId!;
      const tagPage = await client.send(new ListResourceTagsCommand({ KeyId: tagged, Limit: 1 }));
      expect(tagPage.Truncated).toBe(true);
      expect(await rejection(client.send(new ListKeysCommand({ Marker: tagPage.NextMarker })))).toBeInstanceOf(InvalidMarkerException);
      expect((await client.send(new ListResourceTagsCommand({ KeyId: tagged, Limit: 1, Marker: tagPage.NextMarker }))).Tags).toEqual([{ TagKey: "b", TagValue: "" }]);

      for (const Limit of [0, 1001]) expect((await rejection(client.send(new ListKeysCommand({ Limit })))).name).toBe("ValidationException");
      expect((await rejection(client.send(new ListResourceTagsCommand({ KeyId: tagged, Limit: 51 })))).name).toBe("ValidationException");
    } finally {
      client.destroy();
      await fresh.close();
    }
  });

  it("pages ListAliases", async () => {
    const { KeyId } = await newKey();
    const names = Array.from({ length: 3 }, (_, i) => `alias/paged/${i}-${randomUUID().slice(0, 8)}`);
    for (const AliasName of names) await kms.send(new CreateAliasCommand({ AliasName, TargetKeyId: KeyId }));
    const first = await kms.send(new ListAliasesCommand({ KeyId, Limit: 2 }));
    expect(first.Truncated).toBe(true);
    const second = await kms.send(new ListAliasesCommand({ KeyId, Limit: 2, Marker: first.NextMarker }));
    expect(second.Truncated).toBe(false);
    expect([...first.Aliases!, ...second.Aliases!].map((a) => a.AliasName)).toEqual(names);
    // The marker belongs to the filtered listing.
    expect(await rejection(kms.send(new ListAliasesCommand({ Limit: 2, Marker: first.NextMarker })))).toBeInstanceOf(InvalidMarkerException);
  });
});

describe("what AWS puts in every account", () => {
  it("AWS-managed aliases: some with an AWS managed key, some with no key yet; callers may use but not change them", async () => {
    const fresh = await startAwsKmsEmulator();
    const client = new KMSClient({ region: fresh.region, endpoint: fresh.endpoint, credentials: fresh.identities[0]!, maxAttempts: 1 });
    try {
      const aliases = (await client.send(new ListAliasesCommand({}))).Aliases!;
      expect(aliases.map((a) => a.AliasName)).toEqual(["alias/aws/ebs", "alias/aws/rds", "alias/aws/s3", "alias/aws/secretsmanager"]);
      const rds = aliases.find((a) => a.AliasName === "alias/aws/rds")!;
      expect(rds.TargetKeyId).toBeUndefined();
      expect(rds.AliasArn).toBe(`arn:aws:kms:${fresh.region}:${fresh.accountId}:alias/aws/rds`);
      expect(await rejection(client.send(new DescribeKeyCommand({ KeyId: "alias/aws/rds" })))).toBeInstanceOf(NotFoundException);

      const ebs = (await client.send(new DescribeKeyCommand({ KeyId: "alias/aws/ebs" }))).KeyMetadata!;
      expect(ebs).toMatchObject({ KeyManager: "AWS", KeySpec: "SYMMETRIC_DEFAULT", KeyState: "Enabled", Origin: "AWS_KMS" });
      expect(aliases.find((a) => a.AliasName === "alias/aws/ebs")!.TargetKeyId).toBe(ebs.KeyId);
      // Listed like any key, and usable, but AWS manages it.
      expect((await client.send(new ListKeysCommand({}))).Keys!.map((k) => k.KeyId)).toContain(ebs.KeyId);
      const blob = (await client.send(new EncryptCommand({ KeyId: "alias/aws/ebs", Plaintext: Buffer.from("volume key") }))).CiphertextBlob;
      expect(Buffer.from((await client.send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext!).toString()).toBe("volume key");
      expect(await rejection(client.send(new DisableKeyCommand({ KeyId: ebs.KeyId })))).toBeInstanceOf(UnsupportedOperationException);
      expect(await rejection(client.send(new ScheduleKeyDeletionCommand({ KeyId: ebs.KeyId })))).toBeInstanceOf(UnsupportedOperationException);
      expect((await rejection(client.send(new DeleteAliasCommand({ AliasName: "alias/aws/s3" })))).name).toBe("ValidationException");
      // They are not the caller's keys: the inspection count leaves them out.
      expect(fresh.inspect.keyCount()).toBe(0);
    } finally {
      client.destroy();
      await fresh.close();
    }
  });
});

describe("how keys are named, and the errors for names that are wrong", () => {
  it("a key is found by id, key ARN, alias name and alias ARN; other forms get AWS's typed errors", async () => {
    const key = await newKey();
    const alias = uniqueAlias("named");
    await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: key.KeyId }));
    for (const ref of [key.KeyId!, key.KeyId!.toUpperCase(), key.Arn!, alias, `arn:aws:kms:eu-central-1:${emulator.accountId}:${alias}`]) {
      expect((await kms.send(new DescribeKeyCommand({ KeyId: ref }))).KeyMetadata!.KeyId, ref).toBe(key.KeyId);
    }
    // Management operations take a key id or key ARN only.
    expect(await rejection(kms.send(new DisableKeyCommand({ KeyId: alias })))).toBeInstanceOf(NotFoundException);
    // The same key id in another region is another key: not here.
    expect(await rejection(kms.send(new DescribeKeyCommand({ KeyId: key.Arn!.replace("eu-central-1", "us-west-2") })))).toBeInstanceOf(NotFoundException);
    expect(await rejection(kms.send(new DescribeKeyCommand({ KeyId: "arn:aws:kms:nonsense" })))).toBeInstanceOf(InvalidArnException);
    expect(await rejection(kms.send(new DescribeKeyCommand({ KeyId: "not-a-key-id" })))).toBeInstanceOf(NotFoundException);
    expect((await rejection(kms.send(new DescribeKeyCommand({ KeyId: "" })))).name).toBe("ValidationException");
  });

  it("a policy that is not JSON, and features the emulator does not have, are refused with AWS's types", async () => {
    expect(await rejection(kms.send(new CreateKeyCommand({ Policy: "{not json" })))).toBeInstanceOf(MalformedPolicyDocumentException);
    expect(await rejection(kms.send(new CreateKeyCommand({ MultiRegion: true })))).toBeInstanceOf(UnsupportedOperationException);
    expect(await rejection(kms.send(new CreateKeyCommand({ Origin: "AWS_CLOUDHSM", CustomKeyStoreId: "cks-1234567890abcdef0" })))).toBeInstanceOf(
      UnsupportedOperationException,
    );
    const withPolicy = await newKey({ Policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) });
    expect((await kms.send(new GetKeyPolicyCommand({ KeyId: withPolicy.KeyId }))).Policy).toBe(JSON.stringify({ Version: "2012-10-17", Statement: [] }));
  });

  it("a member of the wrong JSON type is a SerializationException", async () => {
    const identity = emulator.identities[0]!;
    const wrongType = new KMSClient({ region: emulator.region, endpoint: emulator.endpoint, credentials: identity, maxAttempts: 1 });
    wrongType.middlewareStack.add(
      (next) => async (args) => {
        // Rewritten before signing, so that only the body's shape is wrong.
        const request = args.request as { body: string; headers: Record<string, string> };
        request.body = JSON.stringify({ Limit: "ten" });
        request.headers["content-length"] = String(Buffer.byteLength(request.body));
        return next(args);
      },
      { step: "build", priority: "low" },
    );
    try {
      expect((await rejection(wrongType.send(new ListKeysCommand({ Limit: 10 })))).name).toBe("SerializationException");
    } finally {
      wrongType.destroy();
    }
  });
});

describe("key policies", () => {
  it("every key has the default policy, giving the account's IAM policies control", async () => {
    const { KeyId } = await newKey();
    const got = await kms.send(new GetKeyPolicyCommand({ KeyId, PolicyName: "default" }));
    expect(got.PolicyName).toBe("default");
    const policy = JSON.parse(got.Policy!) as { Statement: { Principal: { AWS: string }; Action: string }[] };
    expect(policy.Statement[0]).toMatchObject({ Principal: { AWS: `arn:aws:iam::${emulator.accountId}:root` }, Action: "kms:*" });
    expect((await kms.send(new ListKeyPoliciesCommand({ KeyId }))).PolicyNames).toEqual(["default"]);
    expect(await rejection(kms.send(new GetKeyPolicyCommand({ KeyId, PolicyName: "other" })))).toBeInstanceOf(NotFoundException);
    expect(await rejection(kms.send(new ListKeyPoliciesCommand({ KeyId: randomUUID() })))).toBeInstanceOf(NotFoundException);
  });
});
