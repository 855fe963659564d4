import type { AuditLog } from "./audit.js";

/**
 * Refused authentications, counted instead of written one by one: anyone can send requests
 * without a valid token, and a row each would let them grow the audit log without limit. Each
 * interval writes one event per source address, reason and token (a revoked or expired token is
 * named; an unknown one cannot be), with the count in its reason (`UNKNOWN x1234`). The number of
 * sources tracked per interval is capped too; beyond the cap, refusals are counted under the
 * source "other". What is counted but not yet written is written on close.
 */
export interface Refusal {
  sourceAddress: string | null;
  /** MISSING, MALFORMED, UNKNOWN, REVOKED or EXPIRED. */
  reason: string;
  tokenId: string | null;
  tokenName: string | null;
  requestId: string;
}

/** Distinct (source, reason, token) counters per interval; beyond it, "other". */
export const MAX_REFUSAL_KEYS = 1000;

export class RefusedAuthentications {
  private counts = new Map<string, Refusal & { count: number }>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly audit: AuditLog,
    private readonly intervalMs: number,
  ) {}

  record(refusal: Refusal): void {
    let key = JSON.stringify([refusal.sourceAddress, refusal.reason, refusal.tokenId]);
    if (!this.counts.has(key) && this.counts.size >= MAX_REFUSAL_KEYS) {
      refusal = { ...refusal, sourceAddress: "other", tokenId: null, tokenName: null };
      key = JSON.stringify(["other", refusal.reason, null]);
    }
    const entry = this.counts.get(key);
    if (entry) entry.count++;
    else this.counts.set(key, { ...refusal, count: 1 });
    // The first refusal of an interval starts its clock; a quiet gateway runs no timer.
    if (!this.timer && this.intervalMs > 0) {
      this.timer = setTimeout(() => void this.flush(), this.intervalMs);
      this.timer.unref();
    }
    if (this.intervalMs <= 0) void this.flush();
  }

  /** Writes what was counted since the last write: one audit event per counter. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.counts.values()];
    this.counts = new Map();
    this.flushing = this.flushing.then(async () => {
      for (const r of batch) {
        await this.audit.appendOrReport({
          actorId: r.tokenId,
          actorName: r.tokenName,
          action: "auth.authenticate",
          outcome: "denied",
          reason: `${r.reason} x${r.count}`,
          // The first refused request of the interval: its id is in that response's x-request-id.
          requestId: r.requestId,
          sourceAddress: r.sourceAddress,
        });
      }
    });
    return this.flushing;
  }
}
