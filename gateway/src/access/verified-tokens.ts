import type { EventBus } from "../events.js";
import type { Actor } from "./actor.js";

/**
 * The longest a verified token is trusted without asking the database again: the bound on how
 * long a revocation (or a role taken away) written straight in the database, or made on another
 * replica while the event connection was down, can go unnoticed here. Otherwise `access:changed`
 * drops the token at once, on every replica (PostgreSQL carries the event: see events.ts).
 */
export const VERIFIED_TOKEN_TTL_MS = 1000;

/** Enough for every token a busy instance sees in a second; beyond it the oldest are dropped. */
const MAX_ENTRIES = 10_000;

interface Entry {
  actor: Actor;
  lastUsedAt: Date | null;
  /** When the database said so (ms). */
  verifiedAt: number;
}

/**
 * Tokens the database verified within the last VERIFIED_TOKEN_TTL_MS, by the SHA-256 of the token
 * (never the token itself), so that a request does not cost a token lookup: that one query was a
 * third of the CPU of a trivial request. Only accepted tokens are kept; a refused one is asked
 * again every time. An entry is dropped when it is older than the TTL, when the token expires,
 * and at once when `access:changed` names its token (revoked, role granted or taken).
 */
export class VerifiedTokens {
  private readonly byHash = new Map<string, Entry>();
  private readonly hashesByToken = new Map<string, Set<string>>();
  /** Bumped by every invalidation: a lookup that started before one must not store its answer. */
  private generation = 0;
  private readonly listening: AsyncIterator<unknown> | undefined;

  constructor(
    events?: EventBus,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = VERIFIED_TOKEN_TTL_MS,
  ) {
    if (events) {
      // A Repeater: its iterator is itself, so the loop below and close() hold the same one.
      const changes = events.subscribe("access:changed");
      this.listening = changes[Symbol.asyncIterator]();
      void (async () => {
        for await (const { tokenId } of changes) this.forget(tokenId);
      })();
    }
  }

  /** The actor a token hash was verified as, while that is recent and the token has not expired. */
  get(hash: string): Entry | undefined {
    const entry = this.byHash.get(hash);
    if (!entry) return undefined;
    const now = this.now();
    if (now - entry.verifiedAt >= this.ttlMs || (entry.actor.expiresAt && entry.actor.expiresAt.getTime() <= now)) {
      this.drop(hash, entry.actor.tokenId);
      return undefined;
    }
    return entry;
  }

  /** Taken before asking the database; `store` ignores an answer an invalidation overtook. */
  mark(): number {
    return this.generation;
  }

  store(hash: string, actor: Actor, lastUsedAt: Date | null, since: number): void {
    if (since !== this.generation) return;
    if (this.byHash.size >= MAX_ENTRIES) {
      const oldest = this.byHash.keys().next().value as string;
      this.drop(oldest, this.byHash.get(oldest)!.actor.tokenId);
    }
    this.byHash.set(hash, { actor, lastUsedAt, verifiedAt: this.now() });
    const hashes = this.hashesByToken.get(actor.tokenId) ?? new Set();
    hashes.add(hash);
    this.hashesByToken.set(actor.tokenId, hashes);
  }

  /** Records a write of the token's lastUsedAt, so that the next requests do not write it again. */
  touched(hash: string, at: Date): void {
    const entry = this.byHash.get(hash);
    if (entry) entry.lastUsedAt = at;
  }

  /** The token's access changed: the next request asks the database. */
  forget(tokenId: string): void {
    this.generation++;
    for (const hash of this.hashesByToken.get(tokenId) ?? []) this.byHash.delete(hash);
    this.hashesByToken.delete(tokenId);
  }

  async close(): Promise<void> {
    await this.listening?.return?.();
  }

  private drop(hash: string, tokenId: string): void {
    this.byHash.delete(hash);
    const hashes = this.hashesByToken.get(tokenId);
    hashes?.delete(hash);
    if (hashes?.size === 0) this.hashesByToken.delete(tokenId);
  }
}
