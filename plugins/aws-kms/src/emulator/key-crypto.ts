import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPrivateKey,
  createPublicKey,
  privateDecrypt,
  privateEncrypt,
  publicDecrypt,
  publicEncrypt,
  randomBytes,
  sign,
  timingSafeEqual,
  verify,
  type KeyObject,
} from "node:crypto";
import { KmsError, unsupported, validation } from "./errors.js";
import type { KmsKey } from "./state.js";

/**
 * The cryptography behind Encrypt, Decrypt, GenerateMac, Sign and their kin, done with the key's
 * own (imported or generated) material, so that what the emulator returns can be checked with any
 * crypto library: an RSA ciphertext decrypts with the private key that was imported, a signature
 * verifies with the public key, a MAC is the HMAC of the material.
 */

// --- SYMMETRIC_DEFAULT: AES-256-GCM in an opaque ciphertext blob ---------------------------------

/**
 * The emulator's ciphertext blob. AWS's format is undocumented and opaque; like it, the blob names
 * the key (so Decrypt needs no KeyId) and is bound to the encryption context. Layout:
 * version (1) | key id as UUID bytes (16) | IV (12) | GCM tag (16) | ciphertext.
 */
const BLOB_VERSION = 0x01;
const HEADER = 1 + 16 + 12 + 16;

export function encryptSymmetric(key: KmsKey, plaintext: Buffer, context: EncryptionContext): Buffer {
  const iv = randomBytes(12);
  const keyIdBytes = Buffer.from(key.keyId.replace(/-/g, ""), "hex");
  const cipher = createCipheriv("aes-256-gcm", key.material!, iv);
  cipher.setAAD(additionalData(key, context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([BLOB_VERSION]), keyIdBytes, iv, cipher.getAuthTag(), body]);
}

/** The key id a ciphertext blob names, or InvalidCiphertextException for anything that is not one of ours. */
export function blobKeyId(blob: Buffer): string {
  if (blob.length < HEADER || blob[0] !== BLOB_VERSION) throw invalidCiphertext();
  const hex = blob.subarray(1, 17).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A wrong encryption context, a tampered blob and another key's blob all fail the same way, as on AWS. */
export function decryptSymmetric(key: KmsKey, blob: Buffer, context: EncryptionContext): Buffer {
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.material!, blob.subarray(17, 29));
    decipher.setAuthTag(blob.subarray(29, HEADER));
    decipher.setAAD(additionalData(key, context));
    return Buffer.concat([decipher.update(blob.subarray(HEADER)), decipher.final()]);
  } catch {
    throw invalidCiphertext();
  }
}

export type EncryptionContext = Readonly<Record<string, string>>;

/** The key's ARN and the context, canonically ordered: the context is authenticated, never stored. */
function additionalData(key: KmsKey, context: EncryptionContext): Buffer {
  const entries = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify([key.arn, entries]), "utf8");
}

function invalidCiphertext(): KmsError {
  return new KmsError("InvalidCiphertextException", "The ciphertext is invalid, was made with another KMS key, or the encryption context does not match.");
}

// --- RSA encryption ----------------------------------------------------------------------------

export function privateKeyOf(key: KmsKey): KeyObject {
  return createPrivateKey({ key: key.material!, format: "der", type: "pkcs8" });
}

export function publicKeyDer(key: KmsKey): Buffer {
  return createPublicKey(privateKeyOf(key)).export({ type: "spki", format: "der" });
}

const oaepHash = (algorithm: string) => (algorithm === "RSAES_OAEP_SHA_1" ? "sha1" : "sha256");

export function encryptRsa(key: KmsKey, algorithm: string, plaintext: Buffer): Buffer {
  try {
    return publicEncrypt({ key: createPublicKey(privateKeyOf(key)), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaepHash(algorithm) }, plaintext);
  } catch {
    throw validation(`The plaintext is too long for ${key.keySpec} with ${algorithm}.`);
  }
}

export function decryptRsa(key: KmsKey, algorithm: string, ciphertext: Buffer): Buffer {
  try {
    return privateDecrypt({ key: privateKeyOf(key), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaepHash(algorithm) }, ciphertext);
  } catch {
    throw invalidCiphertext();
  }
}

// --- HMAC --------------------------------------------------------------------------------------

export function mac(key: KmsKey, algorithm: string, message: Buffer): Buffer {
  return createHmac(`sha${algorithm.slice("HMAC_SHA_".length)}`, key.material!).update(message).digest();
}

export function macMatches(key: KmsKey, algorithm: string, message: Buffer, candidate: Buffer): boolean {
  const expected = mac(key, algorithm, message);
  return expected.length === candidate.length && timingSafeEqual(expected, candidate);
}

// --- signatures --------------------------------------------------------------------------------

/** DigestInfo prefixes (RFC 8017 §9.2) for PKCS#1 v1.5 signatures of a precomputed digest. */
const DIGEST_INFO: Record<string, Buffer> = {
  sha256: Buffer.from("3031300d060960864801650304020105000420", "hex"),
  sha384: Buffer.from("3041300d060960864801650304020205000430", "hex"),
  sha512: Buffer.from("3051300d060960864801650304020305000440", "hex"),
};

export type MessageType = "RAW" | "DIGEST";

/** The hash a signing algorithm names: `..._SHA_256` → sha256. */
function hashOf(algorithm: string): string {
  return `sha${algorithm.slice(-3)}`;
}

function checkDigest(algorithm: string, message: Buffer): void {
  const bytes = Number(algorithm.slice(-3)) / 8;
  if (message.length !== bytes) throw validation(`A DIGEST message for ${algorithm} must be ${bytes} bytes, not ${message.length}.`);
}

/**
 * RSASSA-PSS uses a salt as long as the digest, as AWS does; ECDSA signatures are DER-encoded
 * (X9.62). Of the DIGEST message type, the emulator serves PKCS#1 v1.5 only (Node's crypto has no
 * PSS or ECDSA over a precomputed digest).
 */
export function signMessage(key: KmsKey, algorithm: string, message: Buffer, type: MessageType): Buffer {
  const hash = hashOf(algorithm);
  const privateKey = privateKeyOf(key);
  if (type === "DIGEST") {
    checkDigest(algorithm, message);
    if (!algorithm.startsWith("RSASSA_PKCS1_V1_5_")) throw unsupported(`MessageType DIGEST with ${algorithm} is not available in this emulator; send the RAW message.`);
    return privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([DIGEST_INFO[hash]!, message]));
  }
  return sign(hash, message, signingKey(algorithm, privateKey));
}

export function signatureValid(key: KmsKey, algorithm: string, message: Buffer, type: MessageType, signature: Buffer): boolean {
  const hash = hashOf(algorithm);
  const publicKey = createPublicKey(privateKeyOf(key));
  try {
    if (type === "DIGEST") {
      checkDigest(algorithm, message);
      if (!algorithm.startsWith("RSASSA_PKCS1_V1_5_")) throw unsupported(`MessageType DIGEST with ${algorithm} is not available in this emulator; send the RAW message.`);
      const recovered = publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
      return recovered.equals(Buffer.concat([DIGEST_INFO[hash]!, message]));
    }
    return verify(hash, message, signingKey(algorithm, publicKey), signature);
  } catch (error) {
    if (error instanceof KmsError) throw error;
    return false;
  }
}

function signingKey(algorithm: string, key: KeyObject) {
  return algorithm.startsWith("RSASSA_PSS_") ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : key;
}
