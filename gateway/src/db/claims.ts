import { createHash, randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Db } from "./client.js";

/**
 * Claims on units of work: a key in one keystore (a KeyInstance row) or a keystore's health check
 * (a Keystore row). Whoever works on one (a live mutation or a background round, on any replica)
 * first sets `claimedBy` by a conditional UPDATE that only succeeds while the row is unclaimed or
 * its claim has expired, so two operations never work on one key and keystore at once.
 *
 * Why a claim column rather than graphile-worker or pg-boss: the work is not a queue of jobs but
 * the rows themselves (a pending mark on a key instance, a keystore due for a check), found by the
 * queries the gateway already runs; a live mutation must claim the same row synchronously; and the
 * same code must run on SQLite. One conditional UPDATE per unit does all of that on both
 * databases, with no extra schema, worker process or polling loop of its own.
 *
 * A claim expires (`leaseMs`), so work a dead replica held is taken over once its lease is over;
 * the lease outlasts the connector budget of one operation, so a live claim never expires under
 * its own operation.
 */
export type ClaimTable = "keyInstance" | "keystore";

export interface Claim {
  readonly table: ClaimTable;
  readonly id: string;
  readonly token: string;
}

export class WorkClaims {
  /**
   * This replica; every claim it takes starts with it, so shutdown can release them all, and so
   * can the next start of the same replica (same host and data directory): what a killed process
   * held is then taken back at once instead of at its lease's end.
   */
  readonly replica: string;
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(
    private readonly db: Db,
    private readonly o: { leaseMs: number; clock: { now(): Date }; pollMs?: number; replica?: string },
  ) {
    this.replica = o.replica ?? `${hostname()}:${randomUUID().slice(0, 8)}`;
  }

  /** The name a replica's claims carry: its host and data directory, stable across its restarts. */
  static replicaName(dataDir: string): string {
    return `${hostname()}:${createHash("sha256").update(dataDir).digest("hex").slice(0, 12)}`;
  }

  /**
   * Claims the row if no one holds it (or the holder's lease is over) and `where` still holds;
   * null when someone else has it.
   */
  async tryClaim(table: ClaimTable, id: string, where: Record<string, unknown> = {}): Promise<Claim | null> {
    const now = this.o.clock.now();
    const token = `${this.replica}/${randomUUID()}`;
    const free = { OR: [{ claimedBy: null }, { claimExpiresAt: null }, { claimExpiresAt: { lt: now } }] };
    const data = { claimedBy: token, claimExpiresAt: new Date(now.getTime() + this.o.leaseMs) };
    const args = { where: { AND: [{ id }, free, where] }, data };
    // The two delegates have the same updateMany; the union type of their arguments does not.
    const { count } = table === "keyInstance" ? await this.db.keyInstance.updateMany(args as never) : await this.db.keystore.updateMany(args as never);
    return count === 1 ? { table, id, token } : null;
  }

  /**
   * Claims the row, waiting while another operation holds it (a live mutation waits for the
   * background round, or another request, to finish with that key in that keystore). Woken at once
   * by a release in this process; polls for one on another replica. Null after `timeoutMs`.
   */
  async claim(table: ClaimTable, id: string, timeoutMs: number): Promise<Claim | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const claim = await this.tryClaim(table, id);
      if (claim || Date.now() >= deadline) return claim;
      await this.released(`${table}/${id}`, Math.min(this.o.pollMs ?? 250, Math.max(0, deadline - Date.now())));
    }
  }

  /** Gives the row back (only if this claim still holds it) and wakes whoever waits for it here. */
  async release(claim: Claim): Promise<void> {
    const args = { where: { id: claim.id, claimedBy: claim.token }, data: { claimedBy: null, claimExpiresAt: null } };
    try {
      if (claim.table === "keyInstance") await this.db.keyInstance.updateMany(args);
      else await this.db.keystore.updateMany(args);
    } finally {
      const key = `${claim.table}/${claim.id}`;
      for (const wake of this.waiters.get(key) ?? []) wake();
    }
  }

  /** Shutdown (and start: a previous run's): every claim this replica holds goes back at once, instead of at its expiry. */
  async releaseAll(): Promise<number> {
    const args = { where: { claimedBy: { startsWith: `${this.replica}/` } }, data: { claimedBy: null, claimExpiresAt: null } };
    const instances = await this.db.keyInstance.updateMany(args);
    const keystores = await this.db.keystore.updateMany(args);
    return instances.count + keystores.count;
  }

  private released(key: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters.get(key) ?? new Set<() => void>();
      this.waiters.set(key, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(key);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      set.add(done);
    });
  }
}
