import type { Plugin } from "graphql-yoga";
import type { DbHandle } from "./db/client.js";

/** How long /readyz waits for the database before it calls it unreachable. */
const DATABASE_CHECK_MS = 2_000;

/**
 * Whether this replica should get traffic, and the requests it is serving. /readyz answers 503
 * while the gateway is shutting down (a load balancer stops sending it requests) and while its
 * database does not answer; it turns ready again by itself when the database is back (each probe
 * asks anew, and the connection pool replaces dead connections). In-flight requests are counted so
 * that shutdown can wait for them; a subscription counts until its response starts (its stream is
 * ended separately, with a reason).
 */
export class Readiness {
  private draining = false;
  private inFlight = 0;
  private readonly idle = new Set<() => void>();

  constructor(
    private readonly database: DbHandle,
    /** Extra facts for /readyz's body (e.g. whether events from other replicas are heard). */
    private readonly details: () => Record<string, unknown> = () => ({}),
  ) {}

  get shuttingDown(): boolean {
    return this.draining;
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }

  /** From now on /readyz says 503: the replica is going away. */
  beginShutdown(): void {
    this.draining = true;
  }

  /** Waits until no request is in flight, or `timeoutMs` passed; returns how many were still running. */
  async drained(timeoutMs: number): Promise<number> {
    if (this.inFlight === 0) return 0;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.idle.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.idle.add(done);
    });
    return this.inFlight;
  }

  /** /healthz (the process is up) and /readyz, and the in-flight count of every other request. */
  plugin(): Plugin {
    const counted = new WeakSet<Request>();
    return {
      onRequest: async ({ url, request, endResponse, fetchAPI }) => {
        if (url.pathname === "/healthz") return endResponse(fetchAPI.Response.json({ status: "ok" }));
        if (url.pathname === "/readyz") {
          const [status, code] = this.draining ? ["shutting down", 503] : (await this.databaseAnswers()) ? ["ready", 200] : ["database unreachable", 503];
          return endResponse(fetchAPI.Response.json({ status, ...this.details() }, { status: code }));
        }
        counted.add(request);
        this.inFlight++;
      },
      onResponse: ({ request }) => {
        if (!counted.delete(request)) return;
        this.inFlight--;
        if (this.inFlight === 0) for (const wake of [...this.idle]) wake();
      },
    };
  }

  private async databaseAnswers(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.database.db.$queryRawUnsafe("SELECT 1").then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), DATABASE_CHECK_MS))),
      ]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
