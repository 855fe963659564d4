import { constants, createCipheriv, createDecipheriv, createHmac, createPublicKey, privateDecrypt, privateEncrypt, randomBytes, sign } from "node:crypto";
import { ALGORITHMS, privateKeyOf } from "./algorithms.js";
import { invalid } from "./errors.js";

/**
 * The cryptography the emulator does with imported material, so a test proves a key by a round
 * trip. Google's symmetric ciphertext format is private; the emulator's is documented here so a
 * test can open it with the material alone:
 *
 *   ciphertext = version id (uint32, big-endian) || IV (12) || AES-256-GCM ciphertext || tag (16)
 *
 * with the request's additional authenticated data as GCM's AAD.
 */
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function sealSymmetric(material: Buffer, versionId: number, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", material, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(versionId);
  return Buffer.concat([head, iv, body, cipher.getAuthTag()]);
}

/** The version id a ciphertext names, or undefined when it cannot be one of the emulator's. */
export function ciphertextVersion(ciphertext: Buffer): number | undefined {
  return ciphertext.length >= 4 + IV_BYTES + TAG_BYTES ? ciphertext.readUInt32BE(0) : undefined;
}

/** Opens a ciphertext of `sealSymmetric`; throws when the key, the AAD or the bytes are wrong. */
export function openSymmetric(material: Uint8Array, ciphertext: Buffer, aad: Uint8Array = Buffer.alloc(0)): Buffer {
  const iv = ciphertext.subarray(4, 4 + IV_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", material, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_BYTES));
  return Buffer.concat([decipher.update(ciphertext.subarray(4 + IV_BYTES, ciphertext.length - TAG_BYTES)), decipher.final()]);
}

export function macSign(algorithm: string, material: Buffer, data: Buffer): Buffer {
  return createHmac(ALGORITHMS[algorithm]!.hash!, material).update(data).digest();
}

const DIGEST_INFO_PREFIX: Record<string, string> = {
  sha256: "3031300d060960864801650304020105000420",
  sha384: "3041300d060960864801650304020205000430",
  sha512: "3051300d060960864801650304020305000440",
};

/**
 * AsymmetricSign: over `data` (the key's hash is applied), or over a precomputed `digest` for RSA
 * PKCS#1 keys (signed as a DigestInfo). ECDSA signatures are DER, as Google returns them.
 */
export function asymmetricSign(algorithm: string, material: Buffer, input: { data?: Buffer; digest?: Buffer }): Buffer {
  const info = ALGORITHMS[algorithm]!;
  const key = privateKeyOf(material);
  if (input.data && input.data.length > 0) return sign(info.hash!, input.data, key);
  if (!input.digest) throw invalid("AsymmetricSign needs data or a digest.");
  if (info.rsaBits === undefined) throw invalid("The emulator signs EC keys over data, not over a digest.");
  const digestInfo = Buffer.concat([Buffer.from(DIGEST_INFO_PREFIX[info.hash!]!, "hex"), input.digest]);
  return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, digestInfo);
}

export function asymmetricDecrypt(algorithm: string, material: Buffer, ciphertext: Buffer): Buffer {
  const info = ALGORITHMS[algorithm]!;
  try {
    return privateDecrypt({ key: privateKeyOf(material), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: info.hash! }, ciphertext);
  } catch {
    throw invalid("Decryption failed: the ciphertext is invalid.");
  }
}

export function publicKeyPem(material: Buffer): string {
  return createPublicKey(privateKeyOf(material)).export({ type: "spki", format: "pem" }).toString();
}
