import { createPrivateKey, type KeyObject } from "node:crypto";

/**
 * The Cloud KMS algorithms the emulator can import and use, with what their material must be.
 * Material arrives as Google expects it: raw bytes for symmetric and HMAC keys, PKCS#8 DER for
 * private keys (peers-and-byok §6.4).
 */
export type Purpose = "ENCRYPT_DECRYPT" | "MAC" | "ASYMMETRIC_SIGN" | "ASYMMETRIC_DECRYPT";

export interface AlgorithmInfo {
  readonly purpose: Purpose;
  /** Symmetric and HMAC: the key length in bytes. */
  readonly keyBytes?: number;
  /** RSA: the modulus length in bits. EC: Node's curve name. */
  readonly rsaBits?: number;
  readonly curve?: string;
  /** The hash of HMAC, RSA signatures and OAEP, and of ECDSA. */
  readonly hash?: "sha256" | "sha384" | "sha512";
}

export const ALGORITHMS: Readonly<Record<string, AlgorithmInfo>> = {
  GOOGLE_SYMMETRIC_ENCRYPTION: { purpose: "ENCRYPT_DECRYPT", keyBytes: 32 },
  HMAC_SHA256: { purpose: "MAC", keyBytes: 32, hash: "sha256" },
  HMAC_SHA384: { purpose: "MAC", keyBytes: 48, hash: "sha384" },
  HMAC_SHA512: { purpose: "MAC", keyBytes: 64, hash: "sha512" },
  RSA_SIGN_PKCS1_2048_SHA256: { purpose: "ASYMMETRIC_SIGN", rsaBits: 2048, hash: "sha256" },
  RSA_SIGN_PKCS1_3072_SHA256: { purpose: "ASYMMETRIC_SIGN", rsaBits: 3072, hash: "sha256" },
  RSA_SIGN_PKCS1_4096_SHA256: { purpose: "ASYMMETRIC_SIGN", rsaBits: 4096, hash: "sha256" },
  RSA_DECRYPT_OAEP_2048_SHA256: { purpose: "ASYMMETRIC_DECRYPT", rsaBits: 2048, hash: "sha256" },
  RSA_DECRYPT_OAEP_3072_SHA256: { purpose: "ASYMMETRIC_DECRYPT", rsaBits: 3072, hash: "sha256" },
  RSA_DECRYPT_OAEP_4096_SHA256: { purpose: "ASYMMETRIC_DECRYPT", rsaBits: 4096, hash: "sha256" },
  EC_SIGN_P256_SHA256: { purpose: "ASYMMETRIC_SIGN", curve: "prime256v1", hash: "sha256" },
  EC_SIGN_P384_SHA384: { purpose: "ASYMMETRIC_SIGN", curve: "secp384r1", hash: "sha384" },
  EC_SIGN_SECP256K1_SHA256: { purpose: "ASYMMETRIC_SIGN", curve: "secp256k1", hash: "sha256" },
};

/**
 * Why `material` cannot be a key of `algorithm` (Google's importFailureReason), or undefined
 * when it fits. Asymmetric material must be a PKCS#8 private key of the algorithm's type and size.
 */
export function materialProblem(algorithm: string, material: Buffer): string | undefined {
  const info = ALGORITHMS[algorithm];
  if (!info) return `The algorithm ${algorithm} cannot be imported into this emulator.`;
  if (info.keyBytes !== undefined) {
    return material.length === info.keyBytes ? undefined : `${algorithm} key material must be ${info.keyBytes} bytes, not ${material.length}.`;
  }
  let key: KeyObject;
  try {
    key = privateKeyOf(material);
  } catch {
    return `The key material of ${algorithm} must be a PKCS#8 DER private key.`;
  }
  const details = key.asymmetricKeyDetails ?? {};
  if (info.rsaBits !== undefined) {
    if (key.asymmetricKeyType !== "rsa") return `${algorithm} needs an RSA private key, not ${key.asymmetricKeyType}.`;
    return details.modulusLength === info.rsaBits ? undefined : `${algorithm} needs an RSA ${info.rsaBits}-bit key, not ${details.modulusLength}.`;
  }
  if (key.asymmetricKeyType !== "ec") return `${algorithm} needs an EC private key, not ${key.asymmetricKeyType}.`;
  return details.namedCurve === info.curve ? undefined : `${algorithm} needs a key on ${info.curve}, not ${details.namedCurve}.`;
}

export function privateKeyOf(material: Buffer): KeyObject {
  return createPrivateKey({ key: material, format: "der", type: "pkcs8" });
}
