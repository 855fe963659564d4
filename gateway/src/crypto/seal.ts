import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";

/**
 * Envelope encryption with AES-256-GCM. Each sealed value gets its own random data key, which the
 * root key wraps; the associated data binds a blob to the row and field it belongs to, so a blob
 * copied into another row does not open.
 *
 * Layout: version(1) | rootKeyId(8) | wrapIv(12) | wrappedDek(32) | wrapTag(16) | iv(12) | tag(16) | ciphertext
 */
const VERSION = 1;
const KEY_ID_LENGTH = 8;

export class RootKey {
  /** A short public fingerprint: tells which root key sealed a blob, reveals nothing about it. */
  readonly id: Buffer;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error("The root key must be 32 bytes");
    this.id = createHmac("sha256", key).update("uko root key id").digest().subarray(0, KEY_ID_LENGTH);
  }

  seal(plaintext: Buffer, associatedData: string): Buffer {
    const dek = randomBytes(32);
    try {
      const wrapIv = randomBytes(12);
      const wrap = createCipheriv("aes-256-gcm", this.key, wrapIv);
      wrap.setAAD(Buffer.concat([this.id, Buffer.from(associatedData)]));
      const wrappedDek = Buffer.concat([wrap.update(dek), wrap.final()]);
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", dek, iv);
      cipher.setAAD(Buffer.from(associatedData));
      const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), this.id, wrapIv, wrappedDek, wrap.getAuthTag(), iv, cipher.getAuthTag(), ciphertext]);
    } finally {
      dek.fill(0);
    }
  }

  open(sealed: Buffer, associatedData: string): Buffer {
    if (sealed[0] !== VERSION) throw new SealError("unknown sealed format");
    let offset = 1;
    const take = (n: number) => sealed.subarray(offset, (offset += n));
    const keyId = take(KEY_ID_LENGTH);
    if (!keyId.equals(this.id)) throw new SealError("sealed under another root key");
    const wrapIv = take(12);
    const wrappedDek = take(32);
    const wrapTag = take(16);
    const iv = take(12);
    const tag = take(16);
    const ciphertext = sealed.subarray(offset);
    try {
      const unwrap = createDecipheriv("aes-256-gcm", this.key, wrapIv);
      unwrap.setAAD(Buffer.concat([this.id, Buffer.from(associatedData)]));
      unwrap.setAuthTag(wrapTag);
      const dek = Buffer.concat([unwrap.update(wrappedDek), unwrap.final()]);
      try {
        const decipher = createDecipheriv("aes-256-gcm", dek, iv);
        decipher.setAAD(Buffer.from(associatedData));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
      } finally {
        dek.fill(0);
      }
    } catch {
      throw new SealError("the sealed value does not open: it was altered or belongs elsewhere");
    }
  }

  /**
   * A 32-byte key for one purpose, derived with HKDF-SHA256 under a label that names it; keys of
   * different labels are independent, and none reveals the root key. Never stored: derived at start.
   */
  derive(label: string): Buffer {
    return Buffer.from(hkdfSync("sha256", this.key, Buffer.alloc(0), Buffer.from(label), 32));
  }

  /** Seals a JSON-serialisable value. */
  sealJson(value: unknown, associatedData: string): Buffer {
    return this.seal(Buffer.from(JSON.stringify(value)), associatedData);
  }

  openJson<T>(sealed: Buffer, associatedData: string): T {
    return JSON.parse(this.open(sealed, associatedData).toString("utf8")) as T;
  }
}

export class SealError extends Error {}
