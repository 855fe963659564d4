import type { Db } from "../db/client.js";

const WINDOW_MS = 60_000;
/** How often (at most) one replica deletes windows that have passed. */
const SWEEP_EVERY_MS = 60_000;

/**
 * The per-token rate limit shared by every replica on one PostgreSQL: a fixed one-minute window per
 * token, counted in the database by one atomic upsert per request, so N replicas together let a
 * token make `perMinute` requests a minute, not N times as many. A fixed window lets a token
 * make up to twice the limit across a window's boundary; that is the price of a single statement
 * per request. If the database does not answer, the request goes ahead (the database is what the
 * request needs anyway, and failing it here would turn a slow database into refused requests).
 */
export class SharedRateLimiter {
  private lastSweep = 0;

  constructor(
    private readonly db: Db,
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** 0 when the request may go ahead; otherwise the seconds to wait for the next window. */
  async take(key: string): Promise<number> {
    if (this.perMinute <= 0) return 0;
    const now = this.now();
    const windowStart = now - (now % WINDOW_MS);
    let count: number;
    try {
      const rows = await this.db.$queryRawUnsafe<{ count: number }[]>(
        `INSERT INTO "RateLimitWindow" ("key", "windowStart", "count") VALUES ($1, $2, 1)
         ON CONFLICT ("key", "windowStart") DO UPDATE SET "count" = "RateLimitWindow"."count" + 1 RETURNING "count"`,
        key,
        new Date(windowStart),
      );
      count = Number(rows[0]?.count ?? 0);
    } catch {
      return 0;
    }
    this.sweep(now, windowStart);
    return count <= this.perMinute ? 0 : Math.max(1, Math.ceil((windowStart + WINDOW_MS - now) / 1000));
  }

  /** Windows before the current one are done with; one replica's occasional delete keeps the table small. */
  private sweep(now: number, windowStart: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    void this.db.rateLimitWindow.deleteMany({ where: { windowStart: { lt: new Date(windowStart) } } }).catch(() => undefined);
  }
}
