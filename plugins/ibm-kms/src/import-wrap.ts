import { constants, createCipheriv, createDecipheriv, privateDecrypt, publicEncrypt, randomBytes, type KeyObject } from "node:crypto";

/**
 * Key Protect's secure import, byte by byte (IBM docs "create-import-tokens"; keyprotect-go-client
 * `import_token.go`). The instance issues an RSA-4096 public key and a nonce with an import token.
 * The client sends the root key wrapped with RSA-OAEP (SHA-256, MGF1-SHA-256, empty label), and the
 * nonce encrypted under the root key itself, which proves that whoever wrapped the key also holds
 * it and saw this token: AES-GCM in Key Protect (ciphertext ‖ 16-byte tag, 12-byte IV), AES-CBC
 * with PKCS#7 padding in HPCS (16-byte IV).
 */
export type NonceCipher = "gcm" | "cbc";

export interface WrappedRootKey {
  /** base64 of RSA-OAEP(rootKey). */
  readonly payload: string;
  readonly encryptionAlgorithm: "RSAES_OAEP_SHA_256";
  /** base64 of the nonce encrypted under the root key. */
  readonly encryptedNonce: string;
  /** base64 of the IV used for `encryptedNonce`. */
  readonly iv: string;
}

export function wrapForImport(publicKey: KeyObject, rootKey: Uint8Array, nonce: Uint8Array, cipher: NonceCipher): WrappedRootKey {
  const payload = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, rootKey);
  const { encrypted, iv } = encryptNonce(rootKey, nonce, cipher);
  return { payload: payload.toString("base64"), encryptionAlgorithm: "RSAES_OAEP_SHA_256", encryptedNonce: encrypted.toString("base64"), iv: iv.toString("base64") };
}

export function encryptNonce(rootKey: Uint8Array, nonce: Uint8Array, cipher: NonceCipher): { encrypted: Buffer; iv: Buffer } {
  const algorithm = aesName(rootKey, cipher);
  if (cipher === "gcm") {
    const iv = randomBytes(12);
    const c = createCipheriv(algorithm as "aes-256-gcm", rootKey, iv);
    return { encrypted: Buffer.concat([c.update(nonce), c.final(), c.getAuthTag()]), iv };
  }
  const iv = randomBytes(16);
  const c = createCipheriv(algorithm, rootKey, iv);
  return { encrypted: Buffer.concat([c.update(nonce), c.final()]), iv };
}

/** The emulator's side: the root key, or an Error saying what did not check out. */
export function unwrapImport(privateKey: KeyObject, wrapped: Pick<WrappedRootKey, "payload" | "encryptedNonce" | "iv">, nonce: Uint8Array, cipher: NonceCipher): Buffer {
  let rootKey: Buffer;
  try {
    rootKey = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, Buffer.from(wrapped.payload, "base64"));
  } catch {
    throw new Error("The payload could not be unwrapped with the import token's private key");
  }
  if (![16, 24, 32].includes(rootKey.length)) throw new Error(`A root key is 16, 24 or 32 bytes; the payload holds ${rootKey.length}`);
  const encrypted = Buffer.from(wrapped.encryptedNonce, "base64");
  const iv = Buffer.from(wrapped.iv, "base64");
  let decrypted: Buffer;
  try {
    if (cipher === "gcm") {
      if (encrypted.length < 17 || iv.length !== 12) throw new Error("bad lengths");
      const d = createDecipheriv(aesName(rootKey, "gcm") as "aes-256-gcm", rootKey, iv);
      d.setAuthTag(encrypted.subarray(encrypted.length - 16));
      decrypted = Buffer.concat([d.update(encrypted.subarray(0, encrypted.length - 16)), d.final()]);
    } else {
      if (iv.length !== 16) throw new Error("bad lengths");
      const d = createDecipheriv(aesName(rootKey, "cbc"), rootKey, iv);
      decrypted = Buffer.concat([d.update(encrypted), d.final()]);
    }
  } catch {
    throw new Error("The encrypted nonce does not decrypt under the imported key");
  }
  if (!decrypted.equals(Buffer.from(nonce))) throw new Error("The encrypted nonce is not the import token's nonce");
  return rootKey;
}

function aesName(key: Uint8Array, cipher: NonceCipher): string {
  if (![16, 24, 32].includes(key.length)) throw new Error(`A root key is 16, 24 or 32 bytes, not ${key.length}`);
  return `aes-${key.length * 8}-${cipher}`;
}
