import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { rsaAesKeyUnwrap } from "@uko/connector-sdk";
import { badParameter } from "./errors.js";

/**
 * Key types, generation, and the BYOK side of import (peers-and-byok §6.3): the transfer blob in
 * `key_hsm`, unwrapped with the KEK's private key (CKM_RSA_AES_KEY_WRAP, SHA-1), and the material
 * checked against the key type the request declared.
 */
export const KEY_TYPES = ["RSA", "RSA-HSM", "EC", "EC-HSM"] as const;
export type KeyType = (typeof KEY_TYPES)[number];
export const RSA_SIZES = [2048, 3072, 4096];
export const CURVES: Record<string, string> = { "P-256": "prime256v1", "P-384": "secp384r1", "P-521": "secp521r1", "P-256K": "secp256k1" };

export const ALL_KEY_OPS = ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey", "import"];

const generateKeyPairAsync = promisify(generateKeyPair);

export function isHsm(kty: KeyType): boolean {
  return kty.endsWith("-HSM");
}

export function parseKeyType(value: unknown): KeyType {
  if (value === "oct" || value === "oct-HSM") throw badParameter(`Key type ${value} is only supported by Managed HSM, not by a key vault.`);
  if (!KEY_TYPES.includes(value as KeyType)) throw badParameter(`Invalid key type (kty): ${String(value)}.`);
  return value as KeyType;
}

export async function generateKey(kty: KeyType, keySize: unknown, crv: unknown): Promise<KeyObject> {
  if (kty.startsWith("RSA")) {
    const size = keySize === undefined ? 2048 : Number(keySize);
    if (!RSA_SIZES.includes(size)) throw badParameter(`Invalid key size ${String(keySize)} for an RSA key; use 2048, 3072 or 4096.`);
    return (await generateKeyPairAsync("rsa", { modulusLength: size, publicExponent: 0x10001 })).privateKey;
  }
  const curve = crv === undefined ? "P-256" : String(crv);
  const namedCurve = CURVES[curve];
  if (!namedCurve) throw badParameter(`Invalid curve ${curve}; use P-256, P-384, P-521 or P-256K.`);
  return (await generateKeyPairAsync("ec", { namedCurve })).privateKey;
}

/** The public half as a JWK's fields: `n`, `e` or `crv`, `x`, `y`. */
export function publicJwk(privateKey: KeyObject): Record<string, string> {
  const jwk = createPublicKey(privateKey).export({ format: "jwk" }) as Record<string, string>;
  return privateKey.asymmetricKeyType === "rsa" ? { n: jwk.n!, e: jwk.e! } : { crv: jwk.crv!, x: jwk.x!, y: jwk.y! };
}

export interface TransferBlob {
  kid: string;
  ciphertext: Buffer;
}

/** Decodes `key_hsm`: base64url of the `.byok` JSON (`schema_version`, `header{kid,alg,enc}`, `ciphertext`). */
export function parseTransferBlob(keyHsm: unknown): TransferBlob {
  if (typeof keyHsm !== "string" || keyHsm === "") throw badParameter("key_hsm must be the base64url of a BYOK transfer blob.");
  let blob: { schema_version?: unknown; header?: { kid?: unknown; alg?: unknown; enc?: unknown }; ciphertext?: unknown };
  try {
    blob = JSON.parse(Buffer.from(keyHsm, "base64url").toString("utf8")) as typeof blob;
  } catch {
    throw badParameter("key_hsm is not a BYOK transfer blob (JSON).");
  }
  const header = blob.header ?? {};
  if (blob.schema_version !== "1.0.0") throw badParameter(`Unsupported BYOK schema_version ${String(blob.schema_version)}.`);
  if (header.alg !== "dir" || header.enc !== "CKM_RSA_AES_KEY_WRAP") {
    throw badParameter(`Unsupported BYOK header: alg ${String(header.alg)}, enc ${String(header.enc)} (expected dir and CKM_RSA_AES_KEY_WRAP).`);
  }
  if (typeof header.kid !== "string" || typeof blob.ciphertext !== "string") throw badParameter("The BYOK transfer blob needs header.kid and ciphertext.");
  return { kid: header.kid, ciphertext: Buffer.from(blob.ciphertext, "base64url") };
}

/**
 * Unwraps the blob's ciphertext with the KEK's private key and checks the plaintext is a PKCS#8
 * private key of the declared type (and curve). Returns the private key.
 */
export function unwrapImportedKey(kek: KeyObject, ciphertext: Buffer, kty: KeyType, crv: unknown): KeyObject {
  let plaintext: Buffer;
  try {
    plaintext = rsaAesKeyUnwrap(kek, ciphertext, "sha1");
  } catch {
    throw badParameter("The key material could not be unwrapped with the key exchange key: it was not wrapped with CKM_RSA_AES_KEY_WRAP (RSA-OAEP SHA-1) for this KEK.");
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: plaintext, format: "der", type: "pkcs8" });
  } catch {
    throw badParameter("The unwrapped key material is not a PKCS#8 private key.");
  } finally {
    plaintext.fill(0);
  }
  checkDeclaredType(key, kty, crv);
  return key;
}

/** A plaintext JWK import (software keys): the private parts are in the request. */
export function plaintextImportedKey(jwk: Record<string, unknown>, kty: KeyType): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: { ...jwk, kty: kty.startsWith("RSA") ? "RSA" : "EC" } as never, format: "jwk" });
  } catch {
    throw badParameter("The JSON web key does not hold a valid private key.");
  }
  checkDeclaredType(key, kty, jwk.crv);
  return key;
}

function checkDeclaredType(key: KeyObject, kty: KeyType, crv: unknown): void {
  const details = key.asymmetricKeyDetails ?? {};
  if (kty.startsWith("RSA")) {
    if (key.asymmetricKeyType !== "rsa") throw badParameter(`The key material is a ${String(key.asymmetricKeyType)} key, but the request declared ${kty}.`);
    if (!RSA_SIZES.includes(details.modulusLength ?? 0)) throw badParameter(`RSA keys of ${String(details.modulusLength)} bits are not supported.`);
    return;
  }
  if (key.asymmetricKeyType !== "ec") throw badParameter(`The key material is a ${String(key.asymmetricKeyType)} key, but the request declared ${kty}.`);
  if (typeof crv !== "string" || !CURVES[crv]) throw badParameter("An EC key import must name its curve (crv): P-256, P-384, P-521 or P-256K.");
  if (CURVES[crv] !== details.namedCurve) throw badParameter(`The key material is on curve ${String(details.namedCurve)}, but the request declared ${crv}.`);
}
