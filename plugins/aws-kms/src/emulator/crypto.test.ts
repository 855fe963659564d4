process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

import {
  CreateKeyCommand,
  DecryptCommand,
  DisabledException,
  DisableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateMacCommand,
  GetParametersForImportCommand,
  GetPublicKeyCommand,
  ImportKeyMaterialCommand,
  IncorrectKeyException,
  InvalidCiphertextException,
  InvalidKeyUsageException,
  KMSClient,
  KMSInvalidMacException,
  KMSInvalidSignatureException,
  KMSInvalidStateException,
  ScheduleKeyDeletionCommand,
  SignCommand,
  UnsupportedOperationException,
  VerifyCommand,
  VerifyMacCommand,
  type KeySpec,
  type KeyUsageType,
  type SigningAlgorithmSpec,
} from "@aws-sdk/client-kms";
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rejection } from "../../test/kms-rejection.js";
import { startAwsKmsEmulator, type AwsKmsEmulator } from "./index.js";

/**
 * The cryptographic operations, driven with the real AWS SDK and checked with node:crypto alone:
 * material is wrapped here as AWS's BYOK guide describes (not with the connector's helpers), and
 * every result the emulator gives is verified or decrypted with that material locally.
 */
let emulator: AwsKmsEmulator;
let kms: KMSClient;

beforeAll(async () => {
  emulator = await startAwsKmsEmulator({ wrappingKeyBits: { RSA_2048: true } });
  const identity = emulator.identities[0]!;
  kms = new KMSClient({
    region: emulator.region,
    endpoint: emulator.endpoint,
    credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  kms?.destroy();
  await emulator?.close();
});


/**
 * An EXTERNAL key holding `material`. Single-block material is wrapped with RSAES_OAEP_SHA_256
 * (openssl pkeyutl -encrypt -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256); private
 * keys with RSA_AES_KEY_WRAP_SHA_256 (an ephemeral AES key under OAEP, then AES key wrap with
 * padding, RFC 5649: openssl enc -id-aes256-wrap-pad).
 */
async function importedKey(KeySpec: KeySpec, KeyUsage: KeyUsageType, material: Buffer): Promise<string> {
  const keyId = (await kms.send(new CreateKeyCommand({ Origin: "EXTERNAL", KeySpec, KeyUsage }))).KeyMetadata!.KeyId!;
  const single = KeySpec === "SYMMETRIC_DEFAULT" || KeySpec.startsWith("HMAC_");
  const WrappingAlgorithm = single ? "RSAES_OAEP_SHA_256" : "RSA_AES_KEY_WRAP_SHA_256";
  const params = await kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm, WrappingKeySpec: "RSA_2048" }));
  const wrappingKey = createPublicKey({ key: Buffer.from(params.PublicKey!), format: "der", type: "spki" });
  const oaep = (data: Buffer) => publicEncrypt({ key: wrappingKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, data);
  let wrapped: Buffer;
  if (single) wrapped = oaep(material);
  else {
    const aesKey = randomBytes(32);
    const kwp = createCipheriv("id-aes256-wrap-pad", aesKey, Buffer.from("A65959A6", "hex"));
    wrapped = Buffer.concat([oaep(aesKey), kwp.update(material), kwp.final()]);
  }
  await kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapped, ExpirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE" }));
  return keyId;
}

const pkcs8 = (key: KeyObject) => key.export({ type: "pkcs8", format: "der" });
const rsaMaterial = () => pkcs8(generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey);
const ecMaterial = (namedCurve: string) => pkcs8(generateKeyPairSync("ec", { namedCurve }).privateKey);
const publicKeyOf = async (KeyId: string) =>
  createPublicKey({ key: Buffer.from((await kms.send(new GetPublicKeyCommand({ KeyId }))).PublicKey!), format: "der", type: "spki" });

describe("SYMMETRIC_DEFAULT: AES-256-GCM with the imported material, in an opaque blob that names the key", () => {
  it("Encrypt and Decrypt round trip; the blob decrypts locally with the material; the context must match", async () => {
    const material = randomBytes(32);
    const keyId = await importedKey("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", material);
    const plaintext = Buffer.from("card 4111 1111 1111 1111");
    const EncryptionContext = { purpose: "payments", tenant: "a" };
    const encrypted = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext, EncryptionContext }));
    expect(encrypted.EncryptionAlgorithm).toBe("SYMMETRIC_DEFAULT");
    expect(encrypted.KeyId).toMatch(new RegExp(`:key/${keyId}$`));
    const blob = Buffer.from(encrypted.CiphertextBlob!);
    expect(blob.includes(plaintext)).toBe(false);

    // No KeyId needed: the blob names its key. Context order does not matter.
    const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { tenant: "a", purpose: "payments" } }));
    expect(Buffer.from(decrypted.Plaintext!).equals(plaintext)).toBe(true);
    expect(decrypted.KeyId).toBe(encrypted.KeyId);

    // The layout the README documents, decrypted with nothing but the material.
    const decipher = createDecipheriv("aes-256-gcm", material, blob.subarray(17, 29));
    decipher.setAuthTag(blob.subarray(29, 45));
    decipher.setAAD(Buffer.from(JSON.stringify([encrypted.KeyId, [["purpose", "payments"], ["tenant", "a"]]])));
    expect(Buffer.concat([decipher.update(blob.subarray(45)), decipher.final()]).equals(plaintext)).toBe(true);

    const wrongContexts: Record<string, string>[] = [{}, { purpose: "payments" }, { purpose: "payments", tenant: "b" }];
    for (const wrong of wrongContexts) {
      expect(await rejection(kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: wrong })))).toBeInstanceOf(InvalidCiphertextException);
    }
    const tampered = Buffer.from(blob);
    tampered[tampered.length - 1]! ^= 1;
    expect(await rejection(kms.send(new DecryptCommand({ CiphertextBlob: tampered, EncryptionContext })))).toBeInstanceOf(InvalidCiphertextException);
    expect(await rejection(kms.send(new DecryptCommand({ CiphertextBlob: randomBytes(60) })))).toBeInstanceOf(InvalidCiphertextException);

    // Naming another key than the blob's is IncorrectKeyException.
    const other = await importedKey("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", randomBytes(32));
    expect(await rejection(kms.send(new DecryptCommand({ KeyId: other, CiphertextBlob: blob, EncryptionContext })))).toBeInstanceOf(IncorrectKeyException);
  });

  it("GenerateDataKey: the plaintext data key is what its blob decrypts to; NumberOfBytes or KeySpec, not both", async () => {
    const keyId = await importedKey("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", randomBytes(32));
    const dataKey = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_256", EncryptionContext: { k: "v" } }));
    expect(dataKey.Plaintext!.length).toBe(32);
    const back = await kms.send(new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob, EncryptionContext: { k: "v" } }));
    expect(Buffer.from(back.Plaintext!).equals(Buffer.from(dataKey.Plaintext!))).toBe(true);
    expect((await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, NumberOfBytes: 7 }))).Plaintext!.length).toBe(7);
    expect((await rejection(kms.send(new GenerateDataKeyCommand({ KeyId: keyId, NumberOfBytes: 16, KeySpec: "AES_128" })))).name).toBe("ValidationException");
    expect((await rejection(kms.send(new GenerateDataKeyCommand({ KeyId: keyId })))).name).toBe("ValidationException");
  });
});

describe("HMAC keys: GenerateMac is the HMAC of the imported material", () => {
  for (const bits of [224, 256, 384, 512] as const) {
    it(`HMAC_${bits}`, async () => {
      const material = randomBytes(bits / 8);
      const keyId = await importedKey(`HMAC_${bits}`, "GENERATE_VERIFY_MAC", material);
      const Message = Buffer.from("message to authenticate");
      const MacAlgorithm = `HMAC_SHA_${bits}` as const;
      const out = await kms.send(new GenerateMacCommand({ KeyId: keyId, Message, MacAlgorithm }));
      expect(Buffer.from(out.Mac!).equals(createHmac(`sha${bits}`, material).update(Message).digest())).toBe(true);
      expect((await kms.send(new VerifyMacCommand({ KeyId: keyId, Message, MacAlgorithm, Mac: out.Mac }))).MacValid).toBe(true);
      const wrongMac = createHmac(`sha${bits}`, randomBytes(bits / 8)).update(Message).digest();
      expect(await rejection(kms.send(new VerifyMacCommand({ KeyId: keyId, Message, MacAlgorithm, Mac: wrongMac })))).toBeInstanceOf(KMSInvalidMacException);
      const otherAlgorithm = bits === 256 ? "HMAC_SHA_384" : "HMAC_SHA_256";
      expect(await rejection(kms.send(new GenerateMacCommand({ KeyId: keyId, Message, MacAlgorithm: otherAlgorithm })))).toBeInstanceOf(InvalidKeyUsageException);
    });
  }
});

describe("RSA keys", () => {
  it("ENCRYPT_DECRYPT: Encrypt decrypts with the imported private key, and Decrypt opens what node:crypto encrypted", async () => {
    const material = rsaMaterial();
    const privateKey = createPrivateKey({ key: material, format: "der", type: "pkcs8" });
    const keyId = await importedKey("RSA_2048", "ENCRYPT_DECRYPT", material);
    const publicKey = await publicKeyOf(keyId);
    expect(publicKey.export({ type: "spki", format: "der" }).equals(createPublicKey(privateKey).export({ type: "spki", format: "der" }))).toBe(true);
    const Plaintext = randomBytes(32);
    for (const [EncryptionAlgorithm, oaepHash] of [
      ["RSAES_OAEP_SHA_1", "sha1"],
      ["RSAES_OAEP_SHA_256", "sha256"],
    ] as const) {
      const out = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext, EncryptionAlgorithm }));
      expect(privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, Buffer.from(out.CiphertextBlob!)).equals(Plaintext)).toBe(true);
      const local = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, Plaintext);
      const back = await kms.send(new DecryptCommand({ KeyId: keyId, CiphertextBlob: local, EncryptionAlgorithm }));
      expect(Buffer.from(back.Plaintext!).equals(Plaintext)).toBe(true);
    }
    // SYMMETRIC_DEFAULT is not an RSA algorithm; RSA keys do not make data keys.
    expect(await rejection(kms.send(new EncryptCommand({ KeyId: keyId, Plaintext })))).toBeInstanceOf(InvalidKeyUsageException);
    expect(await rejection(kms.send(new GenerateDataKeyCommand({ KeyId: keyId, NumberOfBytes: 32 })))).toBeInstanceOf(InvalidKeyUsageException);
  });

  it("SIGN_VERIFY: every RSASSA algorithm's signature verifies with the public key, and Verify accepts node:crypto's", async () => {
    const material = rsaMaterial();
    const privateKey = createPrivateKey({ key: material, format: "der", type: "pkcs8" });
    const keyId = await importedKey("RSA_2048", "SIGN_VERIFY", material);
    const publicKey = await publicKeyOf(keyId);
    const Message = Buffer.from("to be signed");
    for (const SigningAlgorithm of ["RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512"] as const) {
      const hash = `sha${SigningAlgorithm.slice(-3)}`;
      const pss = SigningAlgorithm.startsWith("RSASSA_PSS") ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : {};
      const signed = await kms.send(new SignCommand({ KeyId: keyId, Message, SigningAlgorithm }));
      expect(verify(hash, Message, { key: publicKey, ...pss }, Buffer.from(signed.Signature!))).toBe(true);
      const local = sign(hash, Message, { key: privateKey, ...pss });
      expect((await kms.send(new VerifyCommand({ KeyId: keyId, Message, Signature: local, SigningAlgorithm }))).SignatureValid).toBe(true);
      const other = sign(hash, Buffer.from("something else"), { key: privateKey, ...pss });
      expect(await rejection(kms.send(new VerifyCommand({ KeyId: keyId, Message, Signature: other, SigningAlgorithm })))).toBeInstanceOf(KMSInvalidSignatureException);
    }
    // A precomputed digest, PKCS#1 v1.5: the same signature node:crypto makes over the message.
    const digest = createHash("sha256").update(Message).digest();
    const signed = await kms.send(new SignCommand({ KeyId: keyId, Message: digest, MessageType: "DIGEST", SigningAlgorithm: "RSASSA_PKCS1_V1_5_SHA_256" }));
    expect(verify("sha256", Message, publicKey, Buffer.from(signed.Signature!))).toBe(true);
    expect((await rejection(kms.send(new SignCommand({ KeyId: keyId, Message, MessageType: "DIGEST", SigningAlgorithm: "RSASSA_PKCS1_V1_5_SHA_256" })))).name).toBe("ValidationException");
    expect(await rejection(kms.send(new SignCommand({ KeyId: keyId, Message, SigningAlgorithm: "ECDSA_SHA_256" })))).toBeInstanceOf(InvalidKeyUsageException);
    expect(await rejection(kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Message, EncryptionAlgorithm: "RSAES_OAEP_SHA_256" })))).toBeInstanceOf(InvalidKeyUsageException);
  });
});

describe("ECC keys: ECDSA signatures (DER) verify with GetPublicKey's key", () => {
  const curves: [KeySpec, string, SigningAlgorithmSpec][] = [
    ["ECC_NIST_P256", "prime256v1", "ECDSA_SHA_256"],
    ["ECC_NIST_P384", "secp384r1", "ECDSA_SHA_384"],
    ["ECC_NIST_P521", "secp521r1", "ECDSA_SHA_512"],
    ["ECC_SECG_P256K1", "secp256k1", "ECDSA_SHA_256"],
  ];
  for (const [spec, curve, SigningAlgorithm] of curves) {
    it(spec, async () => {
      const material = ecMaterial(curve);
      const privateKey = createPrivateKey({ key: material, format: "der", type: "pkcs8" });
      const keyId = await importedKey(spec, "SIGN_VERIFY", material);
      const publicKey = await publicKeyOf(keyId);
      expect(publicKey.asymmetricKeyDetails?.namedCurve).toBe(curve);
      expect(publicKey.export({ type: "spki", format: "der" }).equals(createPublicKey(privateKey).export({ type: "spki", format: "der" }))).toBe(true);
      const described = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
      expect(described.KeySpec).toBe(spec);
      expect(described.SigningAlgorithms).toEqual([SigningAlgorithm]);
      const hash = `sha${SigningAlgorithm.slice(-3)}`;
      const Message = randomBytes(100);
      const signed = await kms.send(new SignCommand({ KeyId: keyId, Message, SigningAlgorithm }));
      expect(verify(hash, Message, publicKey, Buffer.from(signed.Signature!))).toBe(true);
      expect((await kms.send(new VerifyCommand({ KeyId: keyId, Message, Signature: sign(hash, Message, privateKey), SigningAlgorithm }))).SignatureValid).toBe(true);
    });
  }
});

describe("state and usage rules of the cryptographic operations", () => {
  it("Disabled is DisabledException; PendingImport and PendingDeletion are KMSInvalidStateException", async () => {
    const Plaintext = Buffer.from("x");
    const encrypt = (KeyId: string) => kms.send(new EncryptCommand({ KeyId, Plaintext }));
    const disabled = await importedKey("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", randomBytes(32));
    const blob = (await encrypt(disabled)).CiphertextBlob;
    await kms.send(new DisableKeyCommand({ KeyId: disabled }));
    expect(await rejection(encrypt(disabled))).toBeInstanceOf(DisabledException);
    expect(await rejection(kms.send(new DecryptCommand({ CiphertextBlob: blob })))).toBeInstanceOf(DisabledException);

    const pendingImport = (await kms.send(new CreateKeyCommand({ Origin: "EXTERNAL" }))).KeyMetadata!.KeyId!;
    expect(await rejection(encrypt(pendingImport))).toBeInstanceOf(KMSInvalidStateException);

    const pendingDeletion = await importedKey("ECC_NIST_P256", "SIGN_VERIFY", ecMaterial("prime256v1"));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: pendingDeletion, PendingWindowInDays: 7 }));
    expect(await rejection(kms.send(new SignCommand({ KeyId: pendingDeletion, Message: Plaintext, SigningAlgorithm: "ECDSA_SHA_256" })))).toBeInstanceOf(
      KMSInvalidStateException,
    );
    expect(await rejection(kms.send(new GetPublicKeyCommand({ KeyId: pendingDeletion })))).toBeInstanceOf(KMSInvalidStateException);
  });

  it("the wrong KeyUsage is InvalidKeyUsageException; symmetric keys have no public key", async () => {
    const hmacKey = await importedKey("HMAC_256", "GENERATE_VERIFY_MAC", randomBytes(32));
    const aesKey = await importedKey("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", randomBytes(32));
    expect(await rejection(kms.send(new EncryptCommand({ KeyId: hmacKey, Plaintext: Buffer.from("x") })))).toBeInstanceOf(InvalidKeyUsageException);
    expect(await rejection(kms.send(new GenerateMacCommand({ KeyId: aesKey, Message: Buffer.from("x"), MacAlgorithm: "HMAC_SHA_256" })))).toBeInstanceOf(InvalidKeyUsageException);
    expect(await rejection(kms.send(new SignCommand({ KeyId: aesKey, Message: Buffer.from("x"), SigningAlgorithm: "ECDSA_SHA_256" })))).toBeInstanceOf(InvalidKeyUsageException);
    expect(await rejection(kms.send(new GetPublicKeyCommand({ KeyId: aesKey })))).toBeInstanceOf(UnsupportedOperationException);
  });

  it("keys AWS generated (Origin AWS_KMS) work too", async () => {
    const keyId = (await kms.send(new CreateKeyCommand({ KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" }))).KeyMetadata!.KeyId!;
    const Message = Buffer.from("m");
    const signed = await kms.send(new SignCommand({ KeyId: keyId, Message, SigningAlgorithm: "ECDSA_SHA_256" }));
    expect(verify("sha256", Message, await publicKeyOf(keyId), Buffer.from(signed.Signature!))).toBe(true);
  });
});
