import { constants, generateKeyPair, privateDecrypt, randomBytes, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { rsaAesKeyUnwrap } from "@uko/connector-sdk";
import { KmsError, validation } from "./errors.js";
import type { KeySpec } from "./key-specs.js";

/**
 * The import side of BYOK (peers-and-byok §6.2): wrapping key pairs, import tokens, and the
 * unwrapping of EncryptedKeyMaterial with the private key a token stands for.
 */
export const WRAPPING_ALGORITHMS = ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256"] as const;
export type WrappingAlgorithm = (typeof WRAPPING_ALGORITHMS)[number];
/** AWS's full enums, so that a value it knows but the emulator does not serve is told apart from a typo. */
export const ALGORITHM_ENUM = [...WRAPPING_ALGORITHMS, "RSAES_PKCS1_V1_5", "SM2PKE"] as const;
export const WRAPPING_KEY_SPECS = ["RSA_2048", "RSA_3072", "RSA_4096"] as const;
export type WrappingKeySpec = (typeof WRAPPING_KEY_SPECS)[number];
export const WRAPPING_KEY_SPEC_ENUM = [...WRAPPING_KEY_SPECS, "SM2"] as const;

/** Import parameters are valid for 24 hours. */
export const IMPORT_PARAMETERS_TTL_MS = 24 * 60 * 60 * 1000;

export interface WrappingKeyPair {
  publicKeyDer: Buffer;
  privateKey: KeyObject;
}

const generateKeyPairAsync = promisify(generateKeyPair);

/**
 * One wrapping key pair per spec for the whole process, generated on first use. AWS hands out a
 * fresh pair with every GetParametersForImport, but RSA generation takes 0.1–2 s on a small
 * machine, and a suite creates many emulators. The pairing that matters, token to private key, is
 * kept: a token only unwraps with the pair it was issued with.
 */
const wrappingKeys = new Map<WrappingKeySpec, Promise<WrappingKeyPair>>();

export function wrappingKeyPair(spec: WrappingKeySpec): Promise<WrappingKeyPair> {
  let pair = wrappingKeys.get(spec);
  if (!pair) {
    pair = generateKeyPairAsync("rsa", { modulusLength: Number(spec.slice(4)), publicExponent: 0x10001 }).then(({ publicKey, privateKey }) => ({
      publicKeyDer: publicKey.export({ type: "spki", format: "der" }),
      privateKey,
    }));
    wrappingKeys.set(spec, pair);
    // A failed generation must not poison the cache.
    pair.catch(() => wrappingKeys.delete(spec));
  }
  return pair;
}

/**
 * Which wrapping algorithms AWS accepts for a key spec: RSA private keys do not fit in one OAEP
 * block and need RSA_AES_KEY_WRAP; everything else may use either family. (AWS also refuses
 * P-521 with RSAES_OAEP and a 2048-bit wrapping key; such material simply does not fit the block,
 * which the client finds out when it tries to wrap.)
 */
export function checkWrappingAlgorithm(keySpec: KeySpec, algorithm: WrappingAlgorithm): void {
  if (keySpec.startsWith("RSA_") && algorithm.startsWith("RSAES_OAEP_")) {
    throw validation(`The wrapping algorithm ${algorithm} is not supported for KMS keys with key spec ${keySpec}. Use RSA_AES_KEY_WRAP_SHA_1 or RSA_AES_KEY_WRAP_SHA_256.`);
  }
}

export interface ImportToken {
  keyId: string;
  accountId: string;
  algorithm: WrappingAlgorithm;
  wrappingKey: WrappingKeyPair;
  validTo: Date;
}

/** Import tokens issued by one emulator. A token is opaque random bytes; only this map gives it meaning. */
export class ImportTokens {
  private readonly tokens = new Map<string, ImportToken>();

  issue(token: ImportToken, now: Date): Buffer {
    this.forgetExpired(now);
    const bytes = randomBytes(256);
    this.tokens.set(bytes.toString("base64"), token);
    return bytes;
  }

  /** The token's parameters, if the token was issued for this key and has not expired. */
  redeem(bytes: Buffer, keyId: string, accountId: string, now: Date): ImportToken {
    const token = this.tokens.get(bytes.toString("base64"));
    if (!token || token.keyId !== keyId || token.accountId !== accountId) {
      throw new KmsError(
        "InvalidImportTokenException",
        "The import token is invalid or is associated with a different KMS key. Use GetParametersForImport to get a new import token and public key.",
      );
    }
    if (now.getTime() > token.validTo.getTime()) {
      throw new KmsError(
        "ExpiredImportTokenException",
        "The import token has expired. Use GetParametersForImport to get a new import token and public key, use the new public key to encrypt the key material, and then try the request again.",
      );
    }
    return token;
  }

  /** Drops tokens that expired more than a day ago, so a long-running emulator does not grow. */
  private forgetExpired(now: Date): void {
    const cutoff = now.getTime() - IMPORT_PARAMETERS_TTL_MS;
    for (const [id, token] of this.tokens) if (token.validTo.getTime() < cutoff) this.tokens.delete(id);
  }
}

/** Recovers the plaintext key material; any failure (wrong key, wrong hash, corrupt blob) is InvalidCiphertextException. */
export function unwrapKeyMaterial(token: ImportToken, encrypted: Buffer): Buffer {
  const hash = token.algorithm.endsWith("SHA_1") ? "sha1" : "sha256";
  try {
    if (token.algorithm.startsWith("RSA_AES_KEY_WRAP_")) return rsaAesKeyUnwrap(token.wrappingKey.privateKey, encrypted, hash);
    return privateDecrypt({ key: token.wrappingKey.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, encrypted);
  } catch {
    throw new KmsError("InvalidCiphertextException", "KMS could not decrypt the encrypted (wrapped) key material with the import token's wrapping key and algorithm.");
  }
}
