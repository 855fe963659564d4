import { Counter, Gauge, Histogram } from "prom-client";
import type { RoundJob } from "./labels.js";
import { processRegistry } from "./registry.js";

const rounds = new Counter({
  name: "uko_background_rounds_total",
  help: "Background rounds (health: keystore checks, sync: key drift and pending pushes, resume: finishing what a crash interrupted, at start) by outcome (ok, failed)",
  labelNames: ["job", "outcome"],
  registers: [processRegistry],
});
const duration = new Histogram({
  name: "uko_background_round_duration_seconds",
  help: "How long background rounds took",
  labelNames: ["job"],
  buckets: [0.05, 0.25, 1, 5, 15, 60, 300, 900],
  registers: [processRegistry],
});
const items = new Gauge({
  name: "uko_background_round_items",
  help: "Items the last finished round of each job went over (keystores checked, keys synced, keys resumed)",
  labelNames: ["job"],
  registers: [processRegistry],
});
const itemFailures = new Counter({
  name: "uko_background_item_failures_total",
  help: "Items a background round could not handle (a health check that failed unexpectedly); the round goes on",
  labelNames: ["job"],
  registers: [processRegistry],
});
const drift = new Counter({
  name: "uko_drift_found_total",
  help: "Managed keys whose copy in a keystore was found different from what the gateway holds, by the sync round",
  registers: [processRegistry],
});
const lastSuccess = new Gauge({
  name: "uko_background_round_last_success_timestamp_seconds",
  help: "When each job last finished a round without failing (Unix time)",
  labelNames: ["job"],
  registers: [processRegistry],
});

/** The items a round reports: a count, or the sync round's { keys, drifted }. */
function itemsOf(result: unknown): { items?: number; drifted?: number } {
  if (typeof result === "number") return { items: result };
  if (result && typeof result === "object") {
    const r = result as { keys?: unknown; drifted?: unknown };
    return { ...(typeof r.keys === "number" ? { items: r.keys } : {}), ...(typeof r.drifted === "number" ? { drifted: r.drifted } : {}) };
  }
  return {};
}

/** Runs one background round and records it; the round's result or error passes through. */
export async function observeRound<T>(job: RoundJob, round: () => Promise<T>): Promise<T> {
  const end = duration.startTimer({ job });
  try {
    const result = await round();
    end();
    rounds.inc({ job, outcome: "ok" });
    lastSuccess.set({ job }, Date.now() / 1000);
    const { items: n, drifted } = itemsOf(result);
    if (n !== undefined) items.set({ job }, n);
    if (drifted) drift.inc(drifted);
    return result;
  } catch (error) {
    end();
    rounds.inc({ job, outcome: "failed" });
    throw error;
  }
}

export function recordItemFailure(job: RoundJob): void {
  itemFailures.inc({ job });
}
