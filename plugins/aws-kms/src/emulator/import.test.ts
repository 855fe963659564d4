process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

import {
  CreateKeyCommand,
  DeleteImportedKeyMaterialCommand,
  DisableKeyCommand,
  UpdateKeyDescriptionCommand,
  DescribeKeyCommand,
  ExpiredImportTokenException,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  IncorrectKeyMaterialException,
  InvalidCiphertextException,
  InvalidImportTokenException,
  KMSClient,
  KMSInvalidStateException,
  ScheduleKeyDeletionCommand,
  UnsupportedOperationException,
  type AlgorithmSpec,
  type KeySpec,
  type KeyUsageType,
  type WrappingKeySpec,
} from "@aws-sdk/client-kms";
import { loadWrappingKey, rsaAesKeyWrap, rsaOaepWrap } from "@uko/connector-sdk";
import { constants, createHash, createHmac, createPublicKey, generateKeyPairSync, publicEncrypt, randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { rejection } from "../../test/kms-rejection.js";
import { IMPORT_PARAMETERS_TTL_MS, ImportTokens, MAX_OPEN_TOKENS } from "./import.js";
import { startAwsKmsEmulator, type AwsKmsEmulator } from "./index.js";

let emulator: AwsKmsEmulator;
let kms: KMSClient;
let clockOffsetMs = 0;

beforeAll(async () => {
  emulator = await startAwsKmsEmulator({ now: () => new Date(Date.now() + clockOffsetMs), wrappingKeyBits: { RSA_2048: true } });
  kms = clientAt(0);
});
afterEach(() => {
  clockOffsetMs = 0;
});
afterAll(async () => {
  kms?.destroy();
  await emulator?.close();
});

/** A client whose clock runs `offsetMs` ahead, to talk to an emulator whose clock was moved. */
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


async function externalKey(KeySpec: KeySpec, KeyUsage: KeyUsageType): Promise<string> {
  const created = await kms.send(new CreateKeyCommand({ Origin: "EXTERNAL", KeySpec, KeyUsage }));
  expect(created.KeyMetadata!.KeyState).toBe("PendingImport");
  expect(created.KeyMetadata!.Enabled).toBe(false);
  return created.KeyMetadata!.KeyId!;
}

/** GetParametersForImport, then wraps `material` for them exactly as a client would. */
async function wrapFor(keyId: string, material: Uint8Array, algorithm: AlgorithmSpec, spec: WrappingKeySpec = "RSA_2048") {
  const params = await kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: algorithm, WrappingKeySpec: spec }));
  const wrappingKey = loadWrappingKey(params.PublicKey!);
  const hash = algorithm.endsWith("SHA_1") ? "sha1" : "sha256";
  const wrapped = algorithm.startsWith("RSA_AES_KEY_WRAP") ? rsaAesKeyWrap(wrappingKey, material, hash) : rsaOaepWrap(wrappingKey, material, hash);
  return { params, wrapped };
}

async function importInto(keyId: string, material: Uint8Array, algorithm: AlgorithmSpec, client = kms) {
  const { params, wrapped } = await wrapFor(keyId, material, algorithm);
  return client.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapped, ExpirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE" }));
}

const sha256Hex = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("import round trip: the emulator holds exactly the bytes the client wrapped", () => {
  const ecKey = () => generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ type: "pkcs8", format: "der" });
  const cases: { spec: KeySpec; usage: KeyUsageType; algorithm: AlgorithmSpec; material: () => Buffer; other: () => Buffer }[] = [
    { spec: "SYMMETRIC_DEFAULT", usage: "ENCRYPT_DECRYPT", algorithm: "RSAES_OAEP_SHA_256", material: () => randomBytes(32), other: () => randomBytes(32) },
    { spec: "HMAC_256", usage: "GENERATE_VERIFY_MAC", algorithm: "RSAES_OAEP_SHA_1", material: () => randomBytes(32), other: () => randomBytes(32) },
    {
      spec: "RSA_2048",
      usage: "SIGN_VERIFY",
      algorithm: "RSA_AES_KEY_WRAP_SHA_256",
      material: () => generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "der" }),
      other: ecKey,
    },
    { spec: "ECC_NIST_P256", usage: "SIGN_VERIFY", algorithm: "RSA_AES_KEY_WRAP_SHA_1", material: ecKey, other: ecKey },
  ];
  for (const c of cases) {
    it(`${c.spec} with ${c.algorithm}`, async () => {
      const keyId = await externalKey(c.spec, c.usage);
      const material = c.material();
      const imported = await importInto(keyId, material, c.algorithm);
      expect(imported.KeyId).toMatch(new RegExp(`^arn:aws:kms:${emulator.region}:\\d{12}:key/${keyId}$`));
      // Opaque: 64 hex digits, but not a hash of the plaintext anyone could compute.
      expect(imported.KeyMaterialId).toMatch(/^[a-f0-9]{64}$/);
      expect(imported.KeyMaterialId).not.toBe(sha256Hex(material));

      const described = (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
      expect(described.KeyState).toBe("Enabled");
      expect(described.Origin).toBe("EXTERNAL");
      expect(described.ExpirationModel).toBe("KEY_MATERIAL_DOES_NOT_EXPIRE");
      expect(emulator.inspect.keyHoldsMaterial(keyId, material)).toBe(true);
      expect(emulator.inspect.keyHoldsMaterial(keyId, c.other())).toBe(false);
      expect(emulator.inspect.keyCheckValue(keyId)).toBe(createHmac("sha256", material).update(Buffer.alloc(16)).digest().subarray(0, 3).toString("hex"));
    });
  }

  it("the public key is DER SPKI of the requested size, and the parameters are valid for 24 hours", async () => {
    const keyId = await externalKey("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT");
    const before = Date.now();
    const params = await kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" }));
    expect(loadWrappingKey(params.PublicKey!).asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(params.KeyId).toMatch(/^arn:aws:kms:/);
    const ttl = params.ParametersValidTo!.getTime() - before;
    expect(ttl).toBeGreaterThan(24 * 3600_000 - 5_000);
    expect(ttl).toBeLessThan(24 * 3600_000 + 5_000);
  });
});

describe("import refusals", () => {
  it("material of the wrong size or kind is IncorrectKeyMaterialException, and the key stays pending import", async () => {
    const symmetric = await externalKey("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT");
    expect(await rejection(importInto(symmetric, randomBytes(16), "RSAES_OAEP_SHA_256"))).toBeInstanceOf(IncorrectKeyMaterialException);

    const hmac = await externalKey("HMAC_384", "GENERATE_VERIFY_MAC");
    expect(await rejection(importInto(hmac, randomBytes(32), "RSAES_OAEP_SHA_256"))).toBeInstanceOf(IncorrectKeyMaterialException);
    // HMAC keys may be longer than the digest, up to the block size.
    await importInto(hmac, randomBytes(100), "RSAES_OAEP_SHA_256");

    const ec = await externalKey("ECC_NIST_P384", "SIGN_VERIFY");
    const p256 = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ type: "pkcs8", format: "der" });
    const wrongCurve = await rejection(importInto(ec, p256, "RSA_AES_KEY_WRAP_SHA_256"));
    expect(wrongCurve).toBeInstanceOf(IncorrectKeyMaterialException);
    expect(wrongCurve.message).toContain("secp384r1");
    expect(await rejection(importInto(ec, randomBytes(48), "RSA_AES_KEY_WRAP_SHA_256"))).toBeInstanceOf(IncorrectKeyMaterialException);

    expect((await kms.send(new DescribeKeyCommand({ KeyId: symmetric }))).KeyMetadata!.KeyState).toBe("PendingImport");
    expect((await kms.send(new DescribeKeyCommand({ KeyId: ec }))).KeyMetadata!.KeyState).toBe("PendingImport");
  });

  it("RSA key material cannot be wrapped with RSAES_OAEP: AWS requires RSA_AES_KEY_WRAP", async () => {
    const keyId = await externalKey("RSA_2048", "ENCRYPT_DECRYPT");
    const error = await rejection(kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" })));
    expect(error.name).toBe("ValidationException");
    expect(error.message).toContain("RSA_AES_KEY_WRAP");
  });

  it("a different material cannot replace the one a key had; the same one is accepted again", async () => {
    const keyId = await externalKey("HMAC_256", "GENERATE_VERIFY_MAC");
    const material = randomBytes(32);
    const first = await importInto(keyId, material, "RSAES_OAEP_SHA_256");
    const other = randomBytes(32);
    expect(await rejection(importInto(keyId, other, "RSAES_OAEP_SHA_256"))).toBeInstanceOf(IncorrectKeyMaterialException);
    expect(emulator.inspect.keyHoldsMaterial(keyId, material)).toBe(true);
    // Re-importing the same material into a key that has it is allowed (and changes nothing).
    await importInto(keyId, material, "RSAES_OAEP_SHA_256");

    // Deleting the material does not make room for another: only the original may come back.
    const deleted = await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: keyId }));
    expect(deleted.KeyMaterialId).toBe(first.KeyMaterialId);
    expect((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState).toBe("PendingImport");
    expect(emulator.inspect.keyHoldsMaterial(keyId, material)).toBe(false);
    expect(emulator.inspect.keyCheckValue(keyId)).toBeUndefined();
    expect(await rejection(importInto(keyId, other, "RSAES_OAEP_SHA_256"))).toBeInstanceOf(IncorrectKeyMaterialException);
    // The same material gets the same id again.
    expect((await importInto(keyId, material, "RSAES_OAEP_SHA_256")).KeyMaterialId).toBe(first.KeyMaterialId);
    expect(emulator.inspect.keyHoldsMaterial(keyId, material)).toBe(true);
    expect((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState).toBe("Enabled");
  });

  it("an import token expires after 24 hours on the emulator's clock", async () => {
    const keyId = await externalKey("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT");
    const material = randomBytes(32);
    const { params, wrapped } = await wrapFor(keyId, material, "RSAES_OAEP_SHA_256");
    clockOffsetMs = 24 * 3600_000 + 60_000;
    const later = clientAt(clockOffsetMs);
    try {
      const error = await rejection(
        later.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapped, ExpirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE" })),
      );
      expect(error).toBeInstanceOf(ExpiredImportTokenException);
      // A minute before expiry the same token works.
      clockOffsetMs = 24 * 3600_000 - 60_000;
      const justInTime = clientAt(clockOffsetMs);
      await justInTime.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapped, ExpirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE" }));
      justInTime.destroy();
      expect(emulator.inspect.keyHoldsMaterial(keyId, material)).toBe(true);
    } finally {
      later.destroy();
    }
  });

  it("a token for another key, or made up, is InvalidImportTokenException", async () => {
    const first = await externalKey("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT");
    const second = await externalKey("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT");
    const { params, wrapped } = await wrapFor(first, randomBytes(32), "RSAES_OAEP_SHA_256");
    const send = (KeyId: string, ImportToken: Uint8Array) =>
      kms.send(new ImportKeyMaterialCommand({ KeyId, ImportToken, EncryptedKeyMaterial: wrapped, ExpirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE" }));
    expect(await rejection(send(second, params.ImportToken!))).toBeInstanceOf(InvalidImportTokenException);
    expect(await rejection(send(first, randomBytes(params.ImportToken!.length)))).toBeInstanceOf(InvalidImportTokenException);
  });

  it("material that does not decrypt with the token's key and algorithm is InvalidCiphertextException", async () => {
    const keyId = await externalKey("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT");
    const material = randomBytes(32);
    // Parameters for SHA-1, material wrapped with SHA-256.
    const params = await kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: "RSAES_OAEP_SHA_1", WrappingKeySpec: "RSA_2048" }));
    const wrapped = rsaOaepWrap(loadWrappingKey(params.PublicKey!), material, "sha256");
    const error = await rejection(
      kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapped, ExpirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE" })),
    );
    expect(error).toBeInstanceOf(InvalidCiphertextException);
    expect(emulator.inspect.keyHoldsMaterial(keyId, material)).toBe(false);
  });

  it("import is for EXTERNAL keys only, and not while the key is pending deletion", async () => {
    const generated = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    expect(await rejection(kms.send(new GetParametersForImportCommand({ KeyId: generated, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" })))).toBeInstanceOf(
      UnsupportedOperationException,
    );
    expect(await rejection(kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: generated })))).toBeInstanceOf(UnsupportedOperationException);

    const keyId = await externalKey("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT");
    // Material cannot be deleted from a key that has none.
    expect(await rejection(kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: keyId })))).toBeInstanceOf(KMSInvalidStateException);
    const { params, wrapped } = await wrapFor(keyId, randomBytes(32), "RSAES_OAEP_SHA_256");
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    const error = await rejection(
      kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapped, ExpirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE" })),
    );
    expect(error).toBeInstanceOf(KMSInvalidStateException);
    expect(error.message).toMatch(/key\/[0-9a-f-]+ is pending deletion\.$/);
  });

  it("material imported with an expiry is deleted when ValidTo passes, and the key goes back to PendingImport", async () => {
    const keyId = await externalKey("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT");
    const material = randomBytes(32);
    const { params, wrapped } = await wrapFor(keyId, material, "RSAES_OAEP_SHA_256");
    const validTo = new Date(Date.now() + 3600_000);
    await kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapped, ExpirationModel: "KEY_MATERIAL_EXPIRES", ValidTo: validTo }));
    const described = (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
    expect(described.ExpirationModel).toBe("KEY_MATERIAL_EXPIRES");
    expect(Math.abs(described.ValidTo!.getTime() - validTo.getTime())).toBeLessThan(1_000);

    clockOffsetMs = 2 * 3600_000;
    const later = clientAt(clockOffsetMs);
    try {
      expect((await later.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState).toBe("PendingImport");
      expect(emulator.inspect.keyHoldsMaterial(keyId, material)).toBe(false);
    } finally {
      later.destroy();
    }
  });

  it("KEY_MATERIAL_EXPIRES without ValidTo, or a ValidTo in the past, is a ValidationException", async () => {
    const keyId = await externalKey("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT");
    const { params, wrapped } = await wrapFor(keyId, randomBytes(32), "RSAES_OAEP_SHA_256");
    const base = { KeyId: keyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapped };
    expect((await rejection(kms.send(new ImportKeyMaterialCommand({ ...base, ExpirationModel: "KEY_MATERIAL_EXPIRES" })))).name).toBe("ValidationException");
    expect((await rejection(kms.send(new ImportKeyMaterialCommand({ ...base, ExpirationModel: "KEY_MATERIAL_EXPIRES", ValidTo: new Date(Date.now() - 1000) })))).name).toBe(
      "ValidationException",
    );
    expect((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState).toBe("PendingImport");
  });
});

describe("AWS's rules the emulator keeps (found with a second, independent client)", () => {
  it("ImportKeyMaterial without ExpirationModel means KEY_MATERIAL_EXPIRES, which needs ValidTo", async () => {
    const keyId = await externalKey("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT");
    const { params, wrapped } = await wrapFor(keyId, randomBytes(32), "RSAES_OAEP_SHA_256");
    const refused = await rejection(kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapped })));
    expect(refused.name).toBe("ValidationException");
    expect(refused.message).toContain("ValidTo");
    expect((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState).toBe("PendingImport");
  });

  it("reimport into a Disabled key is refused (PendingImport or Enabled only)", async () => {
    const keyId = await externalKey("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT");
    const material = randomBytes(32);
    await importInto(keyId, material, "RSAES_OAEP_SHA_256");
    await kms.send(new DisableKeyCommand({ KeyId: keyId }));
    expect(await rejection(importInto(keyId, material, "RSAES_OAEP_SHA_256"))).toBeInstanceOf(KMSInvalidStateException);
  });

  it("DeleteImportedKeyMaterial is allowed while the key is pending deletion, which it stays", async () => {
    const keyId = await externalKey("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT");
    await importInto(keyId, randomBytes(32), "RSAES_OAEP_SHA_256");
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: keyId }));
    expect((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState).toBe("PendingDeletion");
    expect(emulator.inspect.keyCheckValue(keyId)).toBeUndefined();
  });

  it("UpdateKeyDescription changes the description, and is refused while the key is pending deletion", async () => {
    const keyId = await externalKey("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT");
    await kms.send(new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: "payments, rotated yearly" }));
    expect((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.Description).toBe("payments, rotated yearly");
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    expect(await rejection(kms.send(new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: "late" })))).toBeInstanceOf(KMSInvalidStateException);
  });
});

describe("a fresh wrapping key pair per GetParametersForImport, bound to its import token", () => {
  it("two calls get two different public keys, for every wrapping key spec AWS offers", { timeout: 60_000 }, async () => {
    const keyId = await externalKey("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT");
    for (const spec of ["RSA_2048", "RSA_3072", "RSA_4096"] as const) {
      const get = () => kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: spec }));
      const [a, b] = [await get(), await get()];
      expect(loadWrappingKey(a.PublicKey!).asymmetricKeyDetails?.modulusLength).toBe(Number(spec.slice(4)));
      expect(Buffer.from(a.PublicKey!).equals(Buffer.from(b.PublicKey!))).toBe(false);
    }
  });

  it("material wrapped under another call's public key is InvalidCiphertextException; with its own it imports", async () => {
    const keyId = await externalKey("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT");
    const material = randomBytes(32);
    const get = () => kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" }));
    const first = await get();
    const second = await get();
    // Wrapped as AWS's BYOK guide does it (openssl pkeyutl -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256),
    // here with node:crypto directly rather than the connector's wrap helpers.
    const wrapUnder = (publicKey: Uint8Array) =>
      publicEncrypt({ key: createPublicKey({ key: Buffer.from(publicKey), format: "der", type: "spki" }), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, material);
    const send = (ImportToken: Uint8Array, EncryptedKeyMaterial: Uint8Array) =>
      kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken, EncryptedKeyMaterial, ExpirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE" }));
    expect(await rejection(send(second.ImportToken!, wrapUnder(first.PublicKey!)))).toBeInstanceOf(InvalidCiphertextException);
    expect(emulator.inspect.keyHoldsMaterial(keyId, material)).toBe(false);
    await send(first.ImportToken!, wrapUnder(first.PublicKey!));
    expect(emulator.inspect.keyHoldsMaterial(keyId, material)).toBe(true);
    // A spent token (and its private key) is dropped: it cannot be used again.
    expect(await rejection(send(first.ImportToken!, wrapUnder(first.PublicKey!)))).toBeInstanceOf(InvalidImportTokenException);
    // The other call's token still works with its own public key.
    await send(second.ImportToken!, wrapUnder(second.PublicKey!));
  });

  it("the tokens an emulator holds (each with a private key) are bounded", () => {
    const tokens = new ImportTokens();
    const now = new Date();
    const token = { keyId: "k", accountId: "111122223333", algorithm: "RSAES_OAEP_SHA_256" as const, wrappingKey: {} as never, validTo: new Date(now.getTime() + 1000) };
    const first = tokens.issue(token, now);
    for (let i = 0; i < MAX_OPEN_TOKENS + 10; i++) tokens.issue(token, now);
    expect(tokens.size).toBe(MAX_OPEN_TOKENS);
    expect(() => tokens.redeem(first, "k", "111122223333", now)).toThrow(/invalid/);
    // A day after expiry every token is gone.
    tokens.issue(token, new Date(now.getTime() + 2 * IMPORT_PARAMETERS_TTL_MS));
    expect(tokens.size).toBe(1);
  });
});
