import { createCipheriv, createHash, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import type { KeyMaterial, KeySpec } from "@uko/connector-sdk";
import type { RootKey } from "../crypto/seal.js";

/**
 * Key material, generated here and nowhere else (every keystore imports it), and the verification
 * value that lets a person compare a key across systems without seeing it.
 */
export interface GeneratedKey {
  material: KeyMaterial;
  verification: Verification;
}

/** UKO's verification pattern: a method and a value that reveals nothing useful about the key. */
export interface Verification {
  /** `kcv-aes-zero` (AES), `hmac-sha256-empty` (HMAC), `spki-sha256` (RSA, EC). */
  method: string;
  value: string;
}

const CURVES: Record<string, string> = { "P-256": "prime256v1", "P-384": "secp384r1", "P-521": "secp521r1", secp256k1: "secp256k1" };

/** Sizes the gateway can generate; a template is further limited by its keystore type. */
export const GENERATABLE: Record<KeySpec["algorithm"], readonly string[]> = {
  aes: ["128", "192", "256"],
  hmac: ["224", "256", "384", "512"],
  rsa: ["2048", "3072", "4096"],
  ec: Object.keys(CURVES),
};

/** Fresh material from the CSPRNG: raw bytes for AES and HMAC, PKCS#8 DER for RSA and EC. */
export function generateKey(spec: KeySpec): GeneratedKey {
  if (!GENERATABLE[spec.algorithm]?.includes(spec.size)) throw new RangeError(`Cannot generate ${spec.algorithm} ${spec.size}`);
  let bytes: Buffer;
  switch (spec.algorithm) {
    case "aes":
    case "hmac":
      bytes = randomBytes(Number(spec.size) / 8);
      break;
    case "rsa":
      bytes = generateKeyPairSync("rsa", { modulusLength: Number(spec.size) }).privateKey.export({ type: "pkcs8", format: "der" });
      break;
    case "ec":
      bytes = generateKeyPairSync("ec", { namedCurve: CURVES[spec.size]! }).privateKey.export({ type: "pkcs8", format: "der" });
      break;
  }
  const material = { spec, bytes };
  return { material, verification: verificationOf(material) };
}

export function verificationOf(material: KeyMaterial): Verification {
  const bytes = Buffer.from(material.bytes);
  switch (material.spec.algorithm) {
    case "aes": {
      // The classic key check value: the first 3 bytes of a zero block encrypted under the key.
      const cipher = createCipheriv(`aes-${bytes.length * 8}-ecb`, bytes, null).setAutoPadding(false);
      return { method: "kcv-aes-zero", value: Buffer.concat([cipher.update(Buffer.alloc(16)), cipher.final()]).subarray(0, 3).toString("hex").toUpperCase() };
    }
    case "hmac":
      return { method: "hmac-sha256-empty", value: createHmac("sha256", bytes).update(Buffer.alloc(0)).digest().subarray(0, 3).toString("hex").toUpperCase() };
    case "rsa":
    case "ec": {
      const spki = createPublicKey(createPrivateKey({ key: bytes, format: "der", type: "pkcs8" })).export({ type: "spki", format: "der" });
      return { method: "spki-sha256", value: createHash("sha256").update(spki).digest("hex") };
    }
  }
}

/** Associated data for sealed key material: the blob opens only as this key's this version. */
export function materialAad(keyId: string, version: number): string {
  return `managed-key:${keyId}:v${version}:material`;
}

/** A managed key's spec from its stored columns (AES/RSA/EC/HMAC in upper case). */
export function specOf(key: { algorithm: string; size: string }): KeySpec {
  return { algorithm: key.algorithm.toLowerCase() as KeySpec["algorithm"], size: key.size };
}

/**
 * Generates version `number` of a key's material and seals it at once; the plaintext is wiped
 * before this returns, so it never outlives the call.
 */
export function newSealedVersion(rootKey: RootKey, keyId: string, number: number, spec: KeySpec) {
  const generated = generateKey(spec);
  const plaintext = Buffer.from(generated.material.bytes.buffer, generated.material.bytes.byteOffset, generated.material.bytes.byteLength);
  try {
    return { number, sealedMaterial: new Uint8Array(rootKey.seal(plaintext, materialAad(keyId, number))), verificationValue: JSON.stringify(generated.verification) };
  } finally {
    plaintext.fill(0);
  }
}
