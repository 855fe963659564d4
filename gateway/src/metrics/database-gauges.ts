import { Gauge, Registry } from "prom-client";
import type { Db } from "../db/client.js";
import { keystoreTypeLabel } from "./labels.js";

/**
 * The state the database holds, read when Prometheus scrapes (a handful of grouped counts on
 * indexed columns) and cached briefly, so that several scrapers or a fast scrape interval cost
 * one read. Per gateway: each gateway reads its own database.
 */
interface Snapshot {
  keystores: { type: string; health: string; n: number }[];
  unresponsiveSeconds: number;
  keys: { state: string; n: number }[];
  instances: { syncFlag: string; n: number }[];
  pending: number;
  oldestPendingSeconds: number;
  auditHeadAgeSeconds: number | undefined;
}

const HEALTHS = ["OK", "NOT_RESPONDING", "CONFIGURATION_ERROR", "PENDING_CHECK"];
const STATES = ["PRE_ACTIVATION", "ACTIVE", "DEACTIVATED", "DESTROYED"];
const SYNC_FLAGS = ["OK", "OUT_OF_SYNC", "ERROR"];

async function read(db: Db, now: Date): Promise<Snapshot> {
  const secondsSince = (at: Date | null | undefined) => (at ? Math.max(0, (now.getTime() - at.getTime()) / 1000) : 0);
  const [keystores, unresponsive, keys, instances, pending, head] = await Promise.all([
    db.keystore.groupBy({ by: ["type", "health"], _count: { _all: true } }),
    // The longest a not-responding keystore has gone without answering (since its last heartbeat, or since it was connected).
    db.keystore.findFirst({ where: { health: "NOT_RESPONDING" }, orderBy: [{ lastHeartbeat: { sort: "asc", nulls: "first" } }], select: { lastHeartbeat: true, createdAt: true } }),
    db.managedKey.groupBy({ by: ["state"], _count: { _all: true } }),
    db.keyInstance.groupBy({ by: ["syncFlag"], where: { keystoreId: { not: null } }, _count: { _all: true } }),
    db.keyInstance.aggregate({ where: { pendingAction: { not: null }, keystoreId: { not: null } }, _count: { _all: true }, _min: { pendingSince: true } }),
    db.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { at: true } }),
  ]);
  return {
    keystores: keystores.map((k) => ({ type: k.type, health: k.health, n: k._count._all })),
    unresponsiveSeconds: unresponsive ? secondsSince(unresponsive.lastHeartbeat ?? unresponsive.createdAt) : 0,
    keys: keys.map((k) => ({ state: k.state, n: k._count._all })),
    instances: instances.map((i) => ({ syncFlag: i.syncFlag, n: i._count._all })),
    pending: pending._count._all,
    oldestPendingSeconds: secondsSince(pending._min.pendingSince),
    auditHeadAgeSeconds: head ? secondsSince(head.at) : undefined,
  };
}

export function registerDatabaseGauges(registry: Registry, db: Db, o: { cacheMs?: number; now?: () => Date } = {}): void {
  const cacheMs = o.cacheMs ?? 5_000;
  const now = o.now ?? (() => new Date());
  let cached: { at: number; snapshot: Promise<Snapshot> } | undefined;
  const snapshot = () => {
    const at = now().getTime();
    if (!cached || at - cached.at >= cacheMs) {
      const read_ = read(db, now());
      cached = { at, snapshot: read_ };
      read_.catch(() => (cached = undefined)); // a failed read is not cached
    }
    return cached.snapshot;
  };
  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge, s: Snapshot) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const s = await snapshot();
        this.reset();
        fill(this, s);
      },
    });

  gauge("uko_keystores", "Keystores by type and health (OK, NOT_RESPONDING, CONFIGURATION_ERROR, PENDING_CHECK)", ["type", "health"], (g, s) => {
    const types = new Set(s.keystores.map((k) => keystoreTypeLabel(k.type)));
    for (const type of types) for (const health of HEALTHS) g.set({ type, health }, 0);
    for (const k of s.keystores) g.inc({ type: keystoreTypeLabel(k.type), health: k.health }, k.n);
  });
  gauge("uko_keystores_unresponsive_seconds", "The longest any keystore now NOT_RESPONDING has gone without answering (0: none)", [], (g, s) => g.set(s.unresponsiveSeconds));
  gauge("uko_managed_keys", "Managed keys by state", ["state"], (g, s) => {
    for (const state of STATES) g.set({ state }, 0);
    for (const k of s.keys) g.set({ state: k.state }, k.n);
  });
  gauge("uko_key_instances", "Copies of managed keys in keystores by sync flag (OK; OUT_OF_SYNC: drift or a change not yet made; ERROR: the last attempt failed)", ["sync_flag"], (g, s) => {
    for (const flag of SYNC_FLAGS) g.set({ sync_flag: flag }, 0);
    for (const i of s.instances) g.set({ sync_flag: i.syncFlag }, i.n);
  });
  gauge("uko_key_installs_pending", "Copies with a change underway or waiting to be retried (install, enable, disable, delete)", [], (g, s) => g.set(s.pending));
  gauge("uko_key_installs_pending_oldest_seconds", "How long the oldest pending change has been waiting (0: none); it keeps growing while a change keeps failing", [], (g, s) => g.set(s.oldestPendingSeconds));
  gauge("uko_audit_chain_head_age_seconds", "Age of the newest audit event (absent while the log is empty)", [], (g, s) => {
    if (s.auditHeadAgeSeconds !== undefined) g.set(s.auditHeadAgeSeconds);
  });
}
