process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

import {
  CreateKeyCommand,
  DescribeKeyCommand,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  KMSClient,
  ListKeysCommand,
  NotFoundException,
} from "@aws-sdk/client-kms";
import { loadWrappingKey, rsaOaepWrap } from "@uko/connector-sdk";
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { rejection } from "../../test/kms-rejection.js";
import { startAwsKmsEmulator, type AwsKmsEmulator, type EmulatorIdentity } from "./index.js";

const ADMIN: EmulatorIdentity = { accessKeyId: "EMUKAUTHTESTADMIN001", secretAccessKey: "auth/Test+Admin/Secret0000000000000000001", userName: "admin" };

let emulator: AwsKmsEmulator;
/** The emulator's clock is real time plus this. */
let clockOffsetMs = 0;
const clients: KMSClient[] = [];

beforeAll(async () => {
  emulator = await startAwsKmsEmulator({ identities: [ADMIN], now: () => new Date(Date.now() + clockOffsetMs), wrappingKeyBits: { RSA_2048: true } });
});
afterEach(() => {
  clockOffsetMs = 0;
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await emulator?.close();
});

function client(identity: Pick<EmulatorIdentity, "accessKeyId" | "secretAccessKey"> = ADMIN, extra: { region?: string; systemClockOffset?: number } = {}): KMSClient {
  const c = new KMSClient({
    region: extra.region ?? emulator.region,
    endpoint: emulator.endpoint,
    credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey },
    maxAttempts: 1,
    ...(extra.systemClockOffset !== undefined ? { systemClockOffset: extra.systemClockOffset } : {}),
  });
  clients.push(c);
  return c;
}

/** Rewrites the request after the SDK signed it, just before it is sent. */
function tamper(c: KMSClient, edit: (request: { headers: Record<string, string>; body?: unknown }) => void): KMSClient {
  c.middlewareStack.add(
    (next) => async (args) => {
      edit(args.request as { headers: Record<string, string>; body?: unknown });
      return next(args);
    },
    { step: "deserialize", priority: "low" },
  );
  return c;
}


describe("SigV4", () => {
  it("accepts a request signed with the identity's secret, and answers with a correct Date header", async () => {
    const out = await client().send(new ListKeysCommand({}));
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.Truncated).toBe(false);
    const last = emulator.inspect.requests().at(-1)!;
    expect(last).toEqual({ operation: "ListKeys", accessKeyId: ADMIN.accessKeyId, status: 200 });

    const raw = await fetch(emulator.endpoint, { method: "POST", headers: { "x-amz-target": "TrentService.ListKeys" }, body: "{}" });
    expect(Math.abs(new Date(raw.headers.get("date")!).getTime() - Date.now())).toBeLessThan(2_000);
    expect(raw.headers.get("content-type")).toBe("application/x-amz-json-1.1");
    expect(raw.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("a wrong secret is InvalidSignatureException with AWS's message", async () => {
    const error = await rejection(client({ accessKeyId: ADMIN.accessKeyId, secretAccessKey: "not/the+right/secret000000000000000000000" }).send(new ListKeysCommand({})));
    expect(error.name).toBe("InvalidSignatureException");
    expect(error.message).toMatch(/^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key/);
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it("an unknown access key id is UnrecognizedClientException", async () => {
    const error = await rejection(client({ accessKeyId: "EMUKUNKNOWN000000001", secretAccessKey: ADMIN.secretAccessKey }).send(new ListKeysCommand({})));
    expect(error.name).toBe("UnrecognizedClientException");
    expect(error.message).toBe("The security token included in the request is invalid.");
  });

  it("a request signed for another region is refused, naming the region this endpoint serves", async () => {
    const error = await rejection(client(ADMIN, { region: "us-west-2" }).send(new ListKeysCommand({})));
    expect(error.name).toBe("InvalidSignatureException");
    expect(error.message).toContain("Credential should be scoped to a valid region, not 'us-west-2'");
    expect(error.message).toContain(emulator.region);
  });

  it("a request signed for another service is refused", async () => {
    const c = tamper(client(), (r) => {
      r.headers.authorization = r.headers.authorization!.replace("/kms/aws4_request", "/s3/aws4_request");
    });
    const error = await rejection(c.send(new ListKeysCommand({})));
    expect(error.name).toBe("InvalidSignatureException");
    expect(error.message).toContain("Credential should be scoped to correct service: 'kms'");
  });

  it("a body changed after signing fails the signature (the payload hash is computed, not trusted)", async () => {
    const c = tamper(client(), (r) => {
      r.body = JSON.stringify({ Limit: 2 });
      r.headers["content-length"] = String(Buffer.byteLength(r.body as string));
    });
    const error = await rejection(c.send(new ListKeysCommand({ Limit: 1 })));
    expect(error.name).toBe("InvalidSignatureException");
  });

  it("no Authorization header is MissingAuthenticationTokenException; a malformed one IncompleteSignatureException", async () => {
    const missing = tamper(client(), (r) => {
      delete r.headers.authorization;
    });
    expect((await rejection(missing.send(new ListKeysCommand({})))).name).toBe("MissingAuthenticationTokenException");

    const malformed = tamper(client(), (r) => {
      r.headers.authorization = r.headers.authorization!.replace(/, Signature=[0-9a-f]+/, "");
    });
    const error = await rejection(malformed.send(new ListKeysCommand({})));
    expect(error.name).toBe("IncompleteSignatureException");
    expect(error.message).toContain("Authorization header requires 'Signature' parameter.");
  });

  it("a request signed more than 5 minutes off the emulator's clock is refused, and the SDK corrects its clock from the Date header", async () => {
    clockOffsetMs = 60 * 60 * 1000;
    const c = client();
    const error = await rejection(c.send(new ListKeysCommand({})));
    expect(error.name).toBe("InvalidSignatureException");
    expect(error.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);
    // The SDK adopted the emulator's clock from the error's Date header; the next call is signed with it.
    expect(Math.abs((await c.config.systemClockOffset) - clockOffsetMs)).toBeLessThan(5_000);
    expect((await c.send(new ListKeysCommand({}))).$metadata.httpStatusCode).toBe(200);

    clockOffsetMs = -10 * 60 * 1000;
    const ahead = await rejection(client().send(new ListKeysCommand({})));
    expect(ahead.message).toMatch(/^Signature not yet current:/);
  });

  it("a target that names no KMS operation is UnknownOperationException", async () => {
    const raw = await fetch(emulator.endpoint, { method: "POST", headers: { "x-amz-target": "TrentService.MakeCoffee" }, body: "{}" });
    expect(raw.status).toBe(400);
    expect(((await raw.json()) as { __type: string }).__type).toBe("UnknownOperationException");
  });
});

describe("authorization", () => {
  const NO_IMPORT: EmulatorIdentity = {
    accessKeyId: "EMUKAUTHTESTNOIMPORT",
    secretAccessKey: "auth/Test+NoImport/Secret000000000000001",
    userName: "no-import",
    allowedActions: ["kms:DescribeKey", "kms:GetParametersForImport", "kms:ListKeys"],
  };

  it("a principal without kms:ImportKeyMaterial is denied in AWS's words, and nothing changes", async () => {
    emulator.setIdentity(NO_IMPORT);
    const admin = client();
    const created = await admin.send(new CreateKeyCommand({ Origin: "EXTERNAL" }));
    const keyId = created.KeyMetadata!.KeyId!;
    const limited = client(NO_IMPORT);
    const params = await limited.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" }));
    const material = randomBytes(32);
    const wrapped = rsaOaepWrap(loadWrappingKey(params.PublicKey!), material, "sha256");

    const error = await rejection(
      limited.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapped, ExpirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE" })),
    );
    expect(error.name).toBe("AccessDeniedException");
    expect(error.message).toBe(
      `User: arn:aws:iam::${emulator.accountId}:user/no-import is not authorized to perform: kms:ImportKeyMaterial on resource: ${created.KeyMetadata!.Arn} because no identity-based policy allows the kms:ImportKeyMaterial action`,
    );
    expect((await admin.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState).toBe("PendingImport");
    expect(emulator.inspect.keyHoldsMaterial(keyId, material)).toBe(false);

    // The same request from a principal that may import succeeds: the denial was the only obstacle.
    await admin.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapped, ExpirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE" }));
    expect(emulator.inspect.keyHoldsMaterial(keyId, material)).toBe(true);
  });

  it("authorises before looking the key up: a denied action on a key that does not exist is AccessDenied, an allowed one NotFound", async () => {
    const onlyList: EmulatorIdentity = { accessKeyId: "EMUKAUTHTESTONLYLIST", secretAccessKey: "auth/Test+OnlyList/Secret000000000000001", userName: "lister", allowedActions: ["kms:ListKeys"] };
    emulator.setIdentity(onlyList);
    const missing = randomUUID();
    const denied = await rejection(client(onlyList).send(new DescribeKeyCommand({ KeyId: missing })));
    expect(denied.name).toBe("AccessDeniedException");
    expect(denied.message).toContain(`on resource: arn:aws:kms:${emulator.region}:${emulator.accountId}:key/${missing} because`);

    const notFound = await rejection(client().send(new DescribeKeyCommand({ KeyId: missing })));
    expect(notFound).toBeInstanceOf(NotFoundException);
    expect(notFound.message).toBe(`Key 'arn:aws:kms:${emulator.region}:${emulator.accountId}:key/${missing}' does not exist`);

    const noCreate = await rejection(client(onlyList).send(new CreateKeyCommand({})));
    expect(noCreate.message).toContain(`kms:CreateKey on resource: arn:aws:kms:${emulator.region}:${emulator.accountId}:key/*`);
  });

  it("keys belong to an account: another account's identity neither lists nor finds them", async () => {
    const other: EmulatorIdentity = { accessKeyId: "EMUKAUTHTESTOTHERACC", secretAccessKey: "auth/Test+Other/Secret000000000000000001", accountId: "444455556666" };
    emulator.setIdentity(other);
    const mine = (await client().send(new CreateKeyCommand({}))).KeyMetadata!;
    const theirs = client(other);
    // Their account has only what AWS gives every account (its AWS managed keys), none of mine.
    const listed = (await theirs.send(new ListKeysCommand({}))).Keys!;
    expect(listed.map((k) => k.KeyId)).not.toContain(mine.KeyId);
    expect(listed.every((k) => k.KeyArn!.includes(":444455556666:key/"))).toBe(true);
    const byId = await rejection(theirs.send(new DescribeKeyCommand({ KeyId: mine.KeyId })));
    expect(byId).toBeInstanceOf(NotFoundException);
    expect(byId.message).toContain(`:444455556666:key/${mine.KeyId}`);
    expect(await rejection(theirs.send(new DescribeKeyCommand({ KeyId: mine.Arn })))).toBeInstanceOf(NotFoundException);

    const own = (await theirs.send(new CreateKeyCommand({}))).KeyMetadata!;
    expect(own.AWSAccountId).toBe("444455556666");
    expect(own.Arn).toBe(`arn:aws:kms:${emulator.region}:444455556666:key/${own.KeyId}`);
    expect((await client().send(new ListKeysCommand({ Limit: 1000 }))).Keys!.map((k) => k.KeyId)).not.toContain(own.KeyId);
  });

  it("setIdentity replaces an identity by access key id: the old secret stops working", async () => {
    const rotating: EmulatorIdentity = { accessKeyId: "EMUKAUTHTESTROTATE01", secretAccessKey: "auth/Test+Rotate/SecretOne000000000000001" };
    emulator.setIdentity(rotating);
    await client(rotating).send(new ListKeysCommand({}));
    emulator.setIdentity({ ...rotating, secretAccessKey: "auth/Test+Rotate/SecretTwo000000000000001" });
    expect((await rejection(client(rotating).send(new ListKeysCommand({})))).name).toBe("InvalidSignatureException");
    expect(emulator.identities.filter((i) => i.accessKeyId === rotating.accessKeyId)).toHaveLength(1);
  });
});
