import { createHash } from "node:crypto";
import type { ConnectorLogger } from "@uko/connector-sdk";
import type { Db, DbProvider } from "../db/client.js";
import { observeAuditWrite } from "../metrics/audit-writes.js";

/**
 * The tamper-evident audit log: each event's hash covers its fields and the previous event's
 * hash, so changing, removing or reordering an event breaks every hash after it. Appends are
 * serialised (in process, and on PostgreSQL across replicas by an advisory lock).
 */
export interface AuditInput {
  actorId?: string | null;
  actorName?: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  vaultId?: string | null;
  outcome: "requested" | "success" | "refused" | "denied" | "failed";
  reason?: string | null;
  requestId: string;
  sourceAddress?: string | null;
}

const GENESIS = "0".repeat(64);
/** Any constant; the lock that serialises appends across replicas. */
const ADVISORY_LOCK = 0x756b6f;

type Hashed = AuditInput & { id: string; at: Date };

function digest(prevHash: string, e: Hashed): string {
  const fields = [e.id, e.at.toISOString(), e.actorId ?? null, e.actorName ?? null, e.action, e.targetType ?? null, e.targetId ?? null, e.vaultId ?? null, e.outcome, e.reason ?? null, e.requestId, e.sourceAddress ?? null];
  return createHash("sha256").update(prevHash).update(JSON.stringify(fields)).digest("hex");
}

export class AuditLog {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly provider: DbProvider,
    private readonly logger?: ConnectorLogger,
    private readonly clock: { now(): Date } = { now: () => new Date() },
  ) {}

  /**
   * For events after the fact (an outcome, a refused login): the request already happened, so a
   * write that fails is reported loudly in the log instead of changing the answer.
   */
  async appendOrReport(input: AuditInput): Promise<void> {
    try {
      await this.append(input);
    } catch (error) {
      this.logger?.error("an audit event could not be written", { action: input.action, outcome: input.outcome, requestId: input.requestId, error });
    }
  }

  /** Appends one event; rejects when it cannot be written (callers fail closed). */
  append(input: AuditInput): Promise<void> {
    const run = this.tail.then(() => observeAuditWrite(() => this.write(input)));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async write(input: AuditInput): Promise<void> {
    await this.db.$transaction(async (tx) => {
      if (this.provider === "postgresql") await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${ADVISORY_LOCK})`);
      const last = await tx.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { hash: true } });
      const event: Hashed = { ...input, id: crypto.randomUUID(), at: this.clock.now() };
      await tx.auditEvent.create({ data: { ...event, prevHash: last?.hash ?? GENESIS, hash: digest(last?.hash ?? GENESIS, event) } });
    });
  }

  /** Walks the whole chain; names the first event whose hash or link does not hold. */
  async verify(): Promise<{ ok: true; events: number } | { ok: false; events: number; firstBadSeq: number; firstBadId: string; problem: string }> {
    let prev = GENESIS;
    let count = 0;
    let after = 0;
    for (;;) {
      const page = await this.db.auditEvent.findMany({ where: { seq: { gt: after } }, orderBy: { seq: "asc" }, take: 1000 });
      if (page.length === 0) return { ok: true, events: count };
      for (const e of page) {
        count++;
        const bad = (problem: string) => ({ ok: false as const, events: count, firstBadSeq: e.seq, firstBadId: e.id, problem });
        if (e.prevHash !== prev) return bad("its link to the previous event does not match (an event before it was removed or changed)");
        if (digest(prev, e as unknown as Hashed) !== e.hash) return bad("its content does not match its hash (it was changed)");
        prev = e.hash;
        after = e.seq;
      }
    }
  }
}
