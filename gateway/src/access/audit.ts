import { createHash, createHmac } from "node:crypto";
import type { ConnectorLogger } from "@uko/connector-sdk";
import type { RootKey } from "../crypto/seal.js";
import type { Db, DbProvider } from "../db/client.js";
import { cappedAuditInput } from "./audit-fields.js";
import { appendCheckpoint, CheckpointSigner, LOG_FIELD, readCheckpoints, type Checkpoint } from "./audit-checkpoints.js";
import { observeAuditWrite } from "../metrics/audit-writes.js";

/**
 * The tamper-evident audit log. Each event's hash is an HMAC (under a key derived from the root
 * key) over its fields and the previous event's hash, so changing, removing or reordering an
 * event breaks every hash after it, and recomputing them needs the root key. Signed checkpoints
 * of the head, written outside the database (audit-checkpoints.ts), catch what a chain alone
 * cannot: a cut end. Appends are serialised (in process, and on PostgreSQL across replicas by an
 * advisory lock).
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

export type ChainCheck =
  | { ok: true; events: number; checkpoints: number }
  | { ok: false; events: number; checkpoints: number; firstBadSeq: number | null; firstBadId: string | null; problem: string };

const GENESIS = "0".repeat(64);
/** Any constant; the lock that serialises appends across replicas. */
const ADVISORY_LOCK = 0x756b6f;
/** HKDF labels: one key per purpose, so a checkpoint's MAC can never pass for a chain hash. */
export const CHAIN_KEY_LABEL = "uko audit chain v1";
export const CHECKPOINT_KEY_LABEL = "uko audit checkpoint v1";
/** The Setting row that says the chain is keyed; absent on a log written before keying. */
const CHAIN_SETTING = "audit.chain";
const KEYED = "hmac-sha256/1";

type Hashed = AuditInput & { id: string; at: Date };
type Digest = (prevHash: string, e: Hashed) => string;

function fields(e: Hashed): unknown[] {
  return [e.id, e.at.toISOString(), e.actorId ?? null, e.actorName ?? null, e.action, e.targetType ?? null, e.targetId ?? null, e.vaultId ?? null, e.outcome, e.reason ?? null, e.requestId, e.sourceAddress ?? null];
}

const keyedDigest =
  (key: Buffer): Digest =>
  (prevHash, e) =>
    createHmac("sha256", key).update(prevHash).update(JSON.stringify(fields(e))).digest("hex");
/** The hash of logs written before keying; only read, to verify such a log before re-keying it. */
const legacyDigest: Digest = (prevHash, e) => createHash("sha256").update(prevHash).update(JSON.stringify(fields(e))).digest("hex");

/** PostgreSQL refuses NUL in text: a caller-supplied id holding one must not stop the audit. */
function storable<T extends string | null | undefined>(value: T): T {
  return (typeof value === "string" ? value.replaceAll("\u0000", "\uFFFD") : value) as T;
}

export interface AuditLogOptions {
  rootKey: RootKey;
  logger?: ConnectorLogger;
  clock?: { now(): Date };
  /** Where signed checkpoints are appended (a file in the data directory); none: no checkpoints. */
  checkpointFile?: string;
}

export class AuditLog {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly digest: Digest;
  private readonly signer: CheckpointSigner;
  private readonly clock: { now(): Date };
  private lastCheckpointSeq: number | undefined;

  constructor(
    private readonly db: Db,
    private readonly provider: DbProvider,
    private readonly o: AuditLogOptions,
  ) {
    this.digest = keyedDigest(o.rootKey.derive(CHAIN_KEY_LABEL));
    this.signer = new CheckpointSigner(o.rootKey.derive(CHECKPOINT_KEY_LABEL));
    this.clock = o.clock ?? { now: () => new Date() };
  }

  /**
   * For events after the fact (an outcome, a refused login): the request already happened, so a
   * write that fails is reported loudly in the log instead of changing the answer.
   */
  async appendOrReport(input: AuditInput): Promise<void> {
    try {
      await this.append(input);
    } catch (error) {
      this.o.logger?.error("an audit event could not be written", { action: input.action, outcome: input.outcome, requestId: input.requestId, error });
    }
  }

  /** Appends one event; rejects when it cannot be written (callers fail closed). */
  append(input: AuditInput): Promise<void> {
    const run = this.tail.then(() => observeAuditWrite(() => this.write(cappedAuditInput(input))));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async write(input: AuditInput): Promise<void> {
    await this.db.$transaction(async (tx) => {
      await this.lock(tx);
      const last = await tx.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { hash: true } });
      const clean = Object.fromEntries(Object.entries(input).map(([k, v]) => [k, storable(v as string | null | undefined)])) as unknown as AuditInput;
      const event: Hashed = { ...clean, id: crypto.randomUUID(), at: this.clock.now() };
      await tx.auditEvent.create({ data: { ...event, prevHash: last?.hash ?? GENESIS, hash: this.digest(last?.hash ?? GENESIS, event) } });
    });
  }

  private async lock(tx: Pick<Db, "$executeRawUnsafe">): Promise<void> {
    if (this.provider === "postgresql") await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${ADVISORY_LOCK})`);
  }

  /**
   * At start: keys a log written before keying (once, after checking its plain chain still holds;
   * a broken one is left as it is, for verification to report), then writes a first checkpoint.
   */
  async prepare(): Promise<void> {
    await this.db.$transaction(
      async (tx) => {
        await this.lock(tx);
        if (await tx.setting.findUnique({ where: { key: CHAIN_SETTING } })) return;
        const events = await tx.auditEvent.count();
        if (events > 0) {
          const signed = this.o.checkpointFile ? readCheckpoints(this.o.checkpointFile, this.signer, true).checkpoints.length : 0;
          const legacy = await walk(tx as unknown as Db, legacyDigest);
          if (signed > 0) {
            this.o.logger?.error("the audit log is marked as never keyed, but signed checkpoints exist: the mark was removed; not re-keying", { events });
          } else if (!legacy.ok) {
            this.o.logger?.error("the audit log written before keying does not verify; it is left as it is and will not verify", { events, firstBadSeq: legacy.firstBadSeq, problem: legacy.problem });
          } else {
            await this.rekey(tx as unknown as Db);
            this.o.logger?.info("audit log keyed: its events written before were verified and their hashes recomputed as HMACs", { events });
          }
        }
        await tx.setting.create({ data: { key: CHAIN_SETTING, value: KEYED } });
      },
      { timeout: 600_000 },
    );
    await this.checkpoint({ force: true });
  }

  private async rekey(tx: Db): Promise<void> {
    let prev = GENESIS;
    let after = 0;
    for (;;) {
      const page = await tx.auditEvent.findMany({ where: { seq: { gt: after } }, orderBy: { seq: "asc" }, take: 1000 });
      if (page.length === 0) return;
      for (const e of page) {
        const hash = this.digest(prev, e as unknown as Hashed);
        await tx.auditEvent.update({ where: { seq: e.seq }, data: { prevHash: prev, hash } });
        prev = hash;
        after = e.seq;
      }
    }
  }

  /**
   * Signs the head (count, last seq, its hash, now) into the checkpoint file and a log line.
   * Skipped when nothing was appended since the last one, unless forced.
   */
  async checkpoint(options: { force?: boolean } = {}): Promise<Checkpoint | undefined> {
    if (!this.o.checkpointFile) return undefined;
    // Appends commit in seq order under the lock, so every event up to the head is visible here.
    const head = await this.db.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
    const seq = head?.seq ?? 0;
    if (!options.force && seq === this.lastCheckpointSeq) return undefined;
    const count = head ? await this.db.auditEvent.count({ where: { seq: { lte: seq } } }) : 0;
    const checkpoint = this.signer.sign({ count, seq, hash: head?.hash ?? GENESIS, at: this.clock.now().toISOString() });
    await appendCheckpoint(this.o.checkpointFile, checkpoint);
    this.o.logger?.info("audit checkpoint", { [LOG_FIELD]: checkpoint });
    this.lastCheckpointSeq = seq;
    return checkpoint;
  }

  /**
   * Walks the whole chain and holds it against every signed checkpoint (the data directory's
   * file, plus any exported log files given); names the first event that does not hold.
   */
  async verify(extraCheckpointFiles: readonly string[] = []): Promise<ChainCheck> {
    const checkpoints: Checkpoint[] = [];
    const sources = [...(this.o.checkpointFile ? [{ file: this.o.checkpointFile, strict: true }] : []), ...extraCheckpointFiles.map((file) => ({ file, strict: false }))];
    for (const { file, strict } of sources) {
      const read = readCheckpoints(file, this.signer, strict);
      if (read.bad.length > 0) {
        return { ok: false, events: 0, checkpoints: read.checkpoints.length, firstBadSeq: null, firstBadId: null, problem: `line ${read.bad[0]} of ${file} is not a checkpoint signed with this root key (it was forged or edited)` };
      }
      checkpoints.push(...read.checkpoints);
    }
    const bySeq = new Map<number, Checkpoint[]>();
    for (const c of checkpoints) bySeq.set(c.seq, [...(bySeq.get(c.seq) ?? []), c]);
    const matched = new Set<number>();
    const result = await walk(this.db, this.digest, (e, count) => {
      if (bySeq.has(e.seq)) matched.add(e.seq);
      for (const c of bySeq.get(e.seq) ?? []) {
        if (c.hash !== e.hash) return `it differs from the signed checkpoint of ${c.at} (the log was rewritten from here or before)`;
        if (c.count !== count) return `it is event ${count} of the log, but the signed checkpoint of ${c.at} recorded it as event ${c.count} (events before it were removed or inserted)`;
      }
      return undefined;
    });
    const n = checkpoints.length;
    if (!result.ok) return { ...result, checkpoints: n };
    const latest = checkpoints.reduce<Checkpoint | undefined>((a, c) => (!a || c.count > a.count ? c : a), undefined);
    if (latest && (result.events < latest.count || result.lastSeq < latest.seq)) {
      return {
        ok: false,
        events: result.events,
        checkpoints: n,
        firstBadSeq: latest.seq,
        firstBadId: null,
        problem: `the log ends after ${result.events} events (at #${result.lastSeq}), but the signed checkpoint of ${latest.at} recorded ${latest.count} events up to #${latest.seq}: events were removed from the end`,
      };
    }
    const missing = checkpoints.find((c) => c.count > 0 && c.seq <= result.lastSeq && !matched.has(c.seq));
    if (missing) {
      return { ok: false, events: result.events, checkpoints: n, firstBadSeq: missing.seq, firstBadId: null, problem: `event #${missing.seq}, recorded by the signed checkpoint of ${missing.at}, was removed` };
    }
    if (result.events > 0 && n === 0 && this.o.checkpointFile) {
      return { ok: false, events: result.events, checkpoints: 0, firstBadSeq: null, firstBadId: null, problem: `no signed checkpoint in ${this.o.checkpointFile}: the end of the log cannot be vouched for (the file was removed, or this is not the gateway's data directory)` };
    }
    return { ok: true, events: result.events, checkpoints: n };
  }
}

type Walked = { ok: true; events: number; lastSeq: number } | { ok: false; events: number; firstBadSeq: number; firstBadId: string; problem: string };

/** Follows the chain from the start; `check` may refuse an event that links and hashes right. */
async function walk(db: Db, digest: Digest, check?: (e: { seq: number; hash: string }, count: number) => string | undefined): Promise<Walked> {
  let prev = GENESIS;
  let count = 0;
  let after = 0;
  for (;;) {
    const page = await db.auditEvent.findMany({ where: { seq: { gt: after } }, orderBy: { seq: "asc" }, take: 1000 });
    if (page.length === 0) return { ok: true, events: count, lastSeq: after };
    for (const e of page) {
      count++;
      const bad = (problem: string) => ({ ok: false as const, events: count, firstBadSeq: e.seq, firstBadId: e.id, problem });
      if (e.prevHash !== prev) return bad("its link to the previous event does not match (an event before it was removed or changed)");
      if (digest(prev, e as unknown as Hashed) !== e.hash) return bad("its content does not match its hash (it was changed, or its hash was not made with this root key)");
      const refused = check?.(e, count);
      if (refused) return bad(refused);
      prev = e.hash;
      after = e.seq;
    }
  }
}
