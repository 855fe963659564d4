import { createPrivateKey, generateKeyPair, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { incorrectKeyMaterial, validation } from "./errors.js";

/**
 * What AWS KMS allows for each key spec: the key usages it combines with, the algorithms
 * DescribeKey lists for it, and what its key material looks like (generated for AWS_KMS keys,
 * checked when imported into EXTERNAL keys; peers-and-byok §6.2). SM2 (China Regions only), ML-DSA,
 * ML-KEM and Ed25519 are left out: the emulator answers them as an unsupported key spec.
 */
export const KEY_SPECS = [
  "SYMMETRIC_DEFAULT",
  "HMAC_224",
  "HMAC_256",
  "HMAC_384",
  "HMAC_512",
  "RSA_2048",
  "RSA_3072",
  "RSA_4096",
  "ECC_NIST_P256",
  "ECC_NIST_P384",
  "ECC_NIST_P521",
  "ECC_SECG_P256K1",
] as const;
export type KeySpec = (typeof KEY_SPECS)[number];

export const KEY_USAGES = ["ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"] as const;
export type KeyUsage = (typeof KEY_USAGES)[number];

type Material =
  | { kind: "symmetric"; minBytes: number; maxBytes: number; generateBytes: number }
  | { kind: "rsa"; modulusLength: number }
  | { kind: "ec"; namedCurve: string };

interface SpecInfo {
  usages: readonly KeyUsage[];
  material: Material;
  encryption?: readonly string[];
  signing?: readonly string[];
  mac?: readonly string[];
}

const RSA_SIGNING = ["RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512"];
const RSA_ENCRYPTION = ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"];

const hmac = (bits: number, minBytes: number, maxBytes: number): SpecInfo => ({
  usages: ["GENERATE_VERIFY_MAC"],
  material: { kind: "symmetric", minBytes, maxBytes, generateBytes: bits / 8 },
  mac: [`HMAC_SHA_${bits}`],
});
const rsa = (modulusLength: number): SpecInfo => ({
  usages: ["ENCRYPT_DECRYPT", "SIGN_VERIFY"],
  material: { kind: "rsa", modulusLength },
  encryption: RSA_ENCRYPTION,
  signing: RSA_SIGNING,
});
const ec = (namedCurve: string, signing: string, keyAgreement: boolean): SpecInfo => ({
  usages: keyAgreement ? ["SIGN_VERIFY", "KEY_AGREEMENT"] : ["SIGN_VERIFY"],
  material: { kind: "ec", namedCurve },
  signing: [signing],
});

const SPECS: Record<KeySpec, SpecInfo> = {
  SYMMETRIC_DEFAULT: {
    usages: ["ENCRYPT_DECRYPT"],
    material: { kind: "symmetric", minBytes: 32, maxBytes: 32, generateBytes: 32 },
    encryption: ["SYMMETRIC_DEFAULT"],
  },
  // Imported HMAC keys may be longer than the digest, up to the hash's block size.
  HMAC_224: hmac(224, 28, 64),
  HMAC_256: hmac(256, 32, 64),
  HMAC_384: hmac(384, 48, 128),
  HMAC_512: hmac(512, 64, 128),
  RSA_2048: rsa(2048),
  RSA_3072: rsa(3072),
  RSA_4096: rsa(4096),
  ECC_NIST_P256: ec("prime256v1", "ECDSA_SHA_256", true),
  ECC_NIST_P384: ec("secp384r1", "ECDSA_SHA_384", true),
  ECC_NIST_P521: ec("secp521r1", "ECDSA_SHA_512", true),
  ECC_SECG_P256K1: ec("secp256k1", "ECDSA_SHA_256", false),
};

/** The family UpdateAlias compares: an alias can only move between keys of the same kind. */
export function keyFamily(spec: KeySpec): "symmetric" | "hmac" | "asymmetric" {
  return spec === "SYMMETRIC_DEFAULT" ? "symmetric" : spec.startsWith("HMAC_") ? "hmac" : "asymmetric";
}

/** CreateKey's check of KeyUsage against KeySpec. */
export function checkUsage(spec: KeySpec, usage: KeyUsage): void {
  if (!SPECS[spec].usages.includes(usage)) {
    throw validation(`KeyUsage ${usage} is not compatible with KeySpec ${spec}. Valid KeyUsage values for ${spec}: ${SPECS[spec].usages.join(", ")}.`);
  }
}

/** AWS's default KeyUsage. It fits only symmetric and RSA keys, so for HMAC and ECC keys a caller must give one. */
export const DEFAULT_KEY_USAGE: KeyUsage = "ENCRYPT_DECRYPT";

/** The algorithm lists DescribeKey shows for a key of this spec and usage. */
export function algorithmsOf(spec: KeySpec, usage: KeyUsage): Record<string, string[]> {
  const info = SPECS[spec];
  switch (usage) {
    case "ENCRYPT_DECRYPT":
      return { EncryptionAlgorithms: [...(info.encryption ?? [])] };
    case "SIGN_VERIFY":
      return { SigningAlgorithms: [...(info.signing ?? [])] };
    case "GENERATE_VERIFY_MAC":
      return { MacAlgorithms: [...(info.mac ?? [])] };
    case "KEY_AGREEMENT":
      return { KeyAgreementAlgorithms: ["ECDH"] };
  }
}

const generateKeyPairAsync = promisify(generateKeyPair);

/** Material for an AWS_KMS key: raw bytes, or a PKCS#8 DER private key as an import would carry. */
export async function generateMaterial(spec: KeySpec): Promise<Buffer> {
  const material = SPECS[spec].material;
  switch (material.kind) {
    case "symmetric":
      return randomBytes(material.generateBytes);
    case "rsa": {
      const { privateKey } = await generateKeyPairAsync("rsa", { modulusLength: material.modulusLength });
      return privateKey.export({ type: "pkcs8", format: "der" });
    }
    case "ec": {
      const { privateKey } = await generateKeyPairAsync("ec", { namedCurve: material.namedCurve });
      return privateKey.export({ type: "pkcs8", format: "der" });
    }
  }
}

/**
 * Whether unwrapped material fits the key: exactly 32 bytes for SYMMETRIC_DEFAULT, the allowed
 * length range for HMAC, and for RSA/ECC a PKCS#8 DER private key of the key's type and size.
 * Throws IncorrectKeyMaterialException as AWS does.
 */
export function checkMaterial(spec: KeySpec, material: Buffer): void {
  const expected = SPECS[spec].material;
  if (expected.kind === "symmetric") {
    if (material.length < expected.minBytes || material.length > expected.maxBytes) {
      const wanted = expected.minBytes === expected.maxBytes ? `${expected.minBytes}` : `${expected.minBytes} to ${expected.maxBytes}`;
      throw incorrectKeyMaterial(`${spec} key material must be ${wanted} bytes, not ${material.length}.`);
    }
    return;
  }
  let key;
  try {
    key = createPrivateKey({ key: material, format: "der", type: "pkcs8" });
  } catch {
    throw incorrectKeyMaterial(`${spec} key material must be a private key in PKCS#8 DER encoding.`);
  }
  const details = key.asymmetricKeyDetails ?? {};
  if (expected.kind === "rsa") {
    if (key.asymmetricKeyType !== "rsa" || details.modulusLength !== expected.modulusLength) {
      throw incorrectKeyMaterial(`${spec} key material must be an RSA private key with a ${expected.modulusLength}-bit modulus.`);
    }
  } else if (key.asymmetricKeyType !== "ec" || details.namedCurve !== expected.namedCurve) {
    throw incorrectKeyMaterial(`${spec} key material must be an EC private key on curve ${expected.namedCurve}.`);
  }
}
