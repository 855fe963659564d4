import { constants, createCipheriv, createDecipheriv, createPublicKey, privateDecrypt, publicEncrypt, randomBytes } from "node:crypto";
import type { KeyObject } from "node:crypto";

/**
 * The wrapping primitives every cloud's BYOK import is built from (peers-and-byok §6.1). They live
 * here so that each connector wraps key material the same, tested way.
 *
 * OAEP always uses an empty label and MGF1 with the same hash as OAEP, which is what AWS, Azure,
 * Google and IBM expect.
 */
export type OaepHash = "sha1" | "sha256";

/** RFC 5649's alternative initial value. OpenSSL insists on it being passed explicitly. */
const KWP_AIV = Buffer.from("A65959A6", "hex");

/** The cloud's wrapping public key, from DER SPKI (AWS), PEM (Google, IBM) or an RSA JWK (Azure). */
export function loadWrappingKey(key: Uint8Array | string | { kty: "RSA"; n: string; e: string }): KeyObject {
  if (typeof key === "string") return createPublicKey(key);
  if (key instanceof Uint8Array) return createPublicKey({ key: Buffer.from(key), format: "der", type: "spki" });
  return createPublicKey({ key, format: "jwk" });
}

/** RSAES-OAEP: for material that fits in one RSA block (AES and HMAC keys, small EC keys). */
export function rsaOaepWrap(wrappingKey: KeyObject, material: Uint8Array, hash: OaepHash): Buffer {
  return publicEncrypt({ key: wrappingKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, material);
}

/** AES key wrap with padding (RFC 5649) under a 128-, 192- or 256-bit key encryption key. */
export function aesKeyWrapPad(kek: Uint8Array, material: Uint8Array): Buffer {
  const cipher = createCipheriv(kwpCipherName(kek), kek, KWP_AIV);
  return Buffer.concat([cipher.update(material), cipher.final()]);
}

/** The inverse of `aesKeyWrapPad`; throws when the integrity check fails. */
export function aesKeyUnwrapPad(kek: Uint8Array, wrapped: Uint8Array): Buffer {
  const decipher = createDecipheriv(kwpCipherName(kek), kek, KWP_AIV);
  return Buffer.concat([decipher.update(wrapped), decipher.final()]);
}

/**
 * PKCS#11's CKM_RSA_AES_KEY_WRAP: a fresh AES-256 key wrapped with RSA-OAEP, followed by the
 * material wrapped with that key by AES-KWP. Used for material too large for one RSA block
 * (RSA private keys) and wherever a cloud demands it.
 */
export function rsaAesKeyWrap(wrappingKey: KeyObject, material: Uint8Array, hash: OaepHash): Buffer {
  const ephemeral = randomBytes(32);
  try {
    return Buffer.concat([rsaOaepWrap(wrappingKey, ephemeral, hash), aesKeyWrapPad(ephemeral, material)]);
  } finally {
    ephemeral.fill(0);
  }
}

/**
 * The inverse of `rsaAesKeyWrap`, for emulators and tests: the blob splits at the modulus length.
 */
export function rsaAesKeyUnwrap(unwrappingKey: KeyObject, blob: Uint8Array, hash: OaepHash): Buffer {
  const modulusBytes = (unwrappingKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8;
  if (modulusBytes === 0 || blob.length <= modulusBytes) throw new Error("The wrapped blob is shorter than the RSA modulus.");
  const ephemeral = privateDecrypt(
    { key: unwrappingKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash },
    blob.subarray(0, modulusBytes),
  );
  try {
    return aesKeyUnwrapPad(ephemeral, blob.subarray(modulusBytes));
  } finally {
    ephemeral.fill(0);
  }
}

function kwpCipherName(kek: Uint8Array): string {
  switch (kek.length) {
    case 16:
      return "id-aes128-wrap-pad";
    case 24:
      return "id-aes192-wrap-pad";
    case 32:
      return "id-aes256-wrap-pad";
    default:
      throw new RangeError(`An AES key wrap key must be 16, 24 or 32 bytes, not ${kek.length}.`);
  }
}
