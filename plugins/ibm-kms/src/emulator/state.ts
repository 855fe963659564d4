import { generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from "node:crypto";
import type { SettableClock } from "@uko/emulator-kit";
import type { InstanceSpec, Variant } from "./types.js";

export interface KeyVersion {
  readonly id: string;
  readonly material: Buffer;
  readonly createdAt: Date;
}

export interface StoredKey {
  readonly id: string;
  readonly keyRingId: string;
  name: string;
  description?: string;
  aliases: string[];
  /** 0 pre-active, 1 active, 2 suspended, 3 deactivated, 5 destroyed. */
  state: number;
  versions: KeyVersion[];
  createdAt: Date;
  deletedAt?: Date;
  registrations: string[];
}

export interface ImportToken {
  readonly privateKey: KeyObject;
  readonly publicPem: string;
  readonly nonce: Buffer;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly maxRetrievals: number;
  remaining: number;
}

export class Instance {
  readonly keyRings: Set<string>;
  readonly keys = new Map<string, StoredKey>();
  importToken?: ImportToken;

  constructor(
    readonly id: string,
    readonly variant: Variant,
    keyRings: readonly string[],
  ) {
    this.keyRings = new Set(["default", ...keyRings]);
  }

  /** A key by id or by alias (Key Protect accepts either in a path). */
  find(idOrAlias: string): StoredKey | undefined {
    const byId = this.keys.get(idOrAlias);
    if (byId) return byId;
    for (const key of this.keys.values()) if (key.aliases.includes(idOrAlias)) return key;
    return undefined;
  }

  aliasTaken(alias: string): boolean {
    return [...this.keys.values()].some((k) => k.aliases.includes(alias));
  }

  newImportToken(expirationSeconds: number, maxRetrievals: number, clock: SettableClock): ImportToken {
    // IBM's import tokens carry an RSA-4096 key; 2048 keeps the emulator quick and changes no byte layout.
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const now = clock.now();
    this.importToken = {
      privateKey,
      publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
      nonce: randomBytes(12),
      createdAt: now,
      expiresAt: new Date(now.getTime() + expirationSeconds * 1000),
      maxRetrievals,
      remaining: maxRetrievals,
    };
    return this.importToken;
  }
}

export function newKey(keyRingId: string, name: string, material: Buffer, clock: SettableClock, extra: { description?: string; aliases?: string[] }): StoredKey {
  const now = clock.now();
  return {
    id: randomUUID(),
    keyRingId,
    name,
    ...(extra.description ? { description: extra.description } : {}),
    aliases: extra.aliases ?? [],
    state: 1,
    versions: [{ id: randomUUID(), material, createdAt: now }],
    createdAt: now,
    registrations: [],
  };
}

export function instancesFrom(specs: readonly InstanceSpec[]): Map<string, Instance> {
  return new Map(specs.map((s) => [s.id, new Instance(s.id, s.variant, s.keyRings ?? [])]));
}
