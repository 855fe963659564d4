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
 * AWS hands out a fresh wrapping key pair with every GetParametersForImport, bound to its import
 * token: material wrapped under one call's public key does not import with another call's token.
 * The emulator does the same. RSA generation takes 0.1–1 s on a small machine, so a few spare pairs
 * per spec are generated ahead, off the event loop (libuv's pool), and each is handed out once:
 * a call only waits when the spares ran out. The spares are shared by the process's emulators
 * (a pair is still issued only once), so a suite that starts many emulators pays little.
 */
const SPARE_PAIRS = 2;
const spares = new Map<WrappingKeySpec, WrappingKeyPair[]>();
const generating = new Map<WrappingKeySpec, Promise<void>>();

function generatePair(spec: WrappingKeySpec): Promise<WrappingKeyPair> {
  return generateKeyPairAsync("rsa", { modulusLength: Number(spec.slice(4)), publicExponent: 0x10001 }).then(({ publicKey, privateKey }) => ({
    publicKeyDer: publicKey.export({ type: "spki", format: "der" }),
    privateKey,
  }));
}

/** Tops up the spares of a spec, one generation at a time, in the background. */
function refill(spec: WrappingKeySpec): Promise<void> {
  let running = generating.get(spec);
  if (running) return running;
  running = (async () => {
    const pool = spares.get(spec) ?? [];
    spares.set(spec, pool);
    while (pool.length < SPARE_PAIRS) pool.push(await generatePair(spec));
  })()
    // A failed generation is retried on the next take; it must not become an unhandled rejection.
    .catch(() => undefined)
    .finally(() => generating.delete(spec));
  generating.set(spec, running);
  return running;
}

/** Resolves once a spare pair of this spec is ready (`wrappingKeyBits`: warm before the first request). */
export async function warmWrappingKeys(spec: WrappingKeySpec): Promise<void> {
  if (!spares.get(spec)?.length) await refill(spec);
  void refill(spec);
}

/** A wrapping key pair no one else has been given: a spare if one is ready, else a fresh one. */
export async function freshWrappingKeyPair(spec: WrappingKeySpec): Promise<WrappingKeyPair> {
  const pair = spares.get(spec)?.shift() ?? (await generatePair(spec));
  void refill(spec);
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

/**
 * Import tokens issued by one emulator. A token is opaque random bytes; only this map gives it
 * meaning, and it holds the private half of the token's own wrapping key pair. A token is dropped
 * once its material is imported, and a day after it expired (until then it still answers
 * ExpiredImportTokenException), and the map never holds more than MAX_OPEN_TOKENS (the oldest go
 * first), so the private keys it holds stay bounded.
 */
export const MAX_OPEN_TOKENS = 1000;

export class ImportTokens {
  private readonly tokens = new Map<string, ImportToken>();

  issue(token: ImportToken, now: Date): Buffer {
    this.forgetExpired(now);
    while (this.tokens.size >= MAX_OPEN_TOKENS) this.tokens.delete(this.tokens.keys().next().value!);
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

  /** The token's material was imported: it and its private key are not needed again. */
  spend(bytes: Buffer): void {
    this.tokens.delete(bytes.toString("base64"));
  }

  /** How many tokens (and so wrapping private keys) are held, for the tests of the bound. */
  get size(): number {
    return this.tokens.size;
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
