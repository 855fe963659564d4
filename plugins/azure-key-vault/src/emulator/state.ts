import { createPrivateKey, randomBytes, timingSafeEqual, type KeyObject } from "node:crypto";
import { deletedKeyNotFound, keyInDeletedState, keyNotFound } from "./errors.js";
import { publicJwk, type KeyType } from "./key-material.js";

/**
 * The vault's keys: each a list of versions (the last is current), soft-deleted as a whole, and
 * purged by hand or when its scheduled purge date passes (`sweep`). Times are epoch seconds, as on
 * the wire.
 */
export interface KeyVersion {
  version: string;
  kty: KeyType;
  keyOps: string[];
  privateKey: KeyObject;
  enabled: boolean;
  nbf?: number;
  exp?: number;
  created: number;
  updated: number;
  tags: Record<string, string>;
}

export interface StoredKey {
  name: string;
  versions: KeyVersion[];
  deleted?: { deletedDate: number; scheduledPurgeDate: number };
}

export class VaultStore {
  private readonly keys = new Map<string, StoredKey>();

  constructor(
    readonly vaultUrl: string,
    readonly retentionDays: number,
  ) {}

  /** Purges soft-deleted keys whose purge date has passed. */
  sweep(nowSeconds: number): void {
    for (const [name, key] of this.keys) if (key.deleted && key.deleted.scheduledPurgeDate <= nowSeconds) this.keys.delete(name);
  }

  peek(name: string): StoredKey | undefined {
    return this.keys.get(name.toLowerCase());
  }

  count(): number {
    return this.keys.size;
  }

  /** A key that is not deleted, or KeyNotFound. */
  live(name: string): StoredKey {
    const key = this.peek(name);
    if (!key || key.deleted) throw keyNotFound(name);
    return key;
  }

  deleted(name: string): StoredKey {
    const key = this.peek(name);
    if (!key?.deleted) throw deletedKeyNotFound(name);
    return key;
  }

  version(key: StoredKey, version: string): KeyVersion {
    const found = version === "" ? key.versions.at(-1) : key.versions.find((v) => v.version === version);
    if (!found) throw keyNotFound(`${key.name}/${version}`);
    return found;
  }

  /** Adds a version (creating the key on first use); a soft-deleted name cannot be reused. */
  addVersion(name: string, fields: Omit<KeyVersion, "version" | "created" | "updated">, nowSeconds: number): { key: StoredKey; version: KeyVersion } {
    let key = this.peek(name);
    if (key?.deleted) throw keyInDeletedState(name);
    if (!key) {
      key = { name, versions: [] };
      this.keys.set(name.toLowerCase(), key);
    }
    const version: KeyVersion = { ...fields, version: randomBytes(16).toString("hex"), created: nowSeconds, updated: nowSeconds };
    key.versions.push(version);
    return { key, version };
  }

  softDelete(name: string, nowSeconds: number): StoredKey {
    const key = this.live(name);
    key.deleted = { deletedDate: nowSeconds, scheduledPurgeDate: nowSeconds + this.retentionDays * 86_400 };
    return key;
  }

  recover(name: string): StoredKey {
    const key = this.deleted(name);
    delete key.deleted;
    return key;
  }

  purge(name: string): void {
    this.deleted(name);
    this.keys.delete(name.toLowerCase());
  }

  /** Every key, by name, for listing. */
  all(): StoredKey[] {
    return [...this.keys.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Replaces a key wholesale (restore from backup). */
  put(key: StoredKey): void {
    this.keys.set(key.name.toLowerCase(), key);
  }

  holdsMaterial(name: string, material: Uint8Array, version?: string): boolean {
    const key = this.peek(name);
    const held = key && (version ? key.versions.find((v) => v.version === version) : key.versions.at(-1));
    if (!held) return false;
    let given: Buffer;
    try {
      given = createPrivateKey({ key: Buffer.from(material), format: "der", type: "pkcs8" }).export({ type: "pkcs8", format: "der" });
    } catch {
      return false;
    }
    const stored = held.privateKey.export({ type: "pkcs8", format: "der" });
    return stored.length === given.length && timingSafeEqual(stored, given);
  }

  // ---- wire shapes -------------------------------------------------------------------------

  private attributes(v: KeyVersion): object {
    return {
      enabled: v.enabled,
      ...(v.nbf !== undefined ? { nbf: v.nbf } : {}),
      ...(v.exp !== undefined ? { exp: v.exp } : {}),
      created: v.created,
      updated: v.updated,
      recoveryLevel: this.retentionDays === 90 ? "Recoverable+Purgeable" : "CustomizedRecoverable+Purgeable",
      recoverableDays: this.retentionDays,
      exportable: false,
    };
  }

  kid(name: string, version?: string): string {
    return `${this.vaultUrl}/keys/${name}${version ? `/${version}` : ""}`;
  }

  keyBundle(key: StoredKey, v: KeyVersion = key.versions.at(-1)!): object {
    return {
      key: { kid: this.kid(key.name, v.version), kty: v.kty, key_ops: v.keyOps, ...publicJwk(v.privateKey) },
      attributes: this.attributes(v),
      tags: v.tags,
    };
  }

  deletedKeyBundle(key: StoredKey): object {
    return { ...this.keyBundle(key), ...this.deletedFields(key) };
  }

  keyItem(key: StoredKey, v?: KeyVersion): object {
    const shown = v ?? key.versions.at(-1)!;
    return { kid: this.kid(key.name, v?.version), attributes: this.attributes(shown), tags: shown.tags };
  }

  deletedKeyItem(key: StoredKey): object {
    return { ...this.keyItem(key), ...this.deletedFields(key) };
  }

  private deletedFields(key: StoredKey): object {
    return {
      recoveryId: `${this.vaultUrl}/deletedkeys/${key.name}`,
      deletedDate: key.deleted!.deletedDate,
      scheduledPurgeDate: key.deleted!.scheduledPurgeDate,
    };
  }
}
