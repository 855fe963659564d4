import { Counter, Histogram } from "prom-client";
import { processRegistry } from "./registry.js";

const writes = new Counter({
  name: "uko_audit_writes_total",
  help: "Audit events written (ok) or that could not be written (failed: the mutation was refused, or for an after-the-fact event, the loss was logged)",
  labelNames: ["outcome"],
  registers: [processRegistry],
});
const duration = new Histogram({
  name: "uko_audit_write_duration_seconds",
  help: "How long writing one audit event to the hash chain took (its transaction)",
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
  registers: [processRegistry],
});

/** Runs one audit append and records whether it was written. */
export async function observeAuditWrite<T>(write: () => Promise<T>): Promise<T> {
  const end = duration.startTimer();
  try {
    const result = await write();
    writes.inc({ outcome: "ok" });
    return result;
  } catch (error) {
    writes.inc({ outcome: "failed" });
    throw error;
  } finally {
    end();
  }
}
