import { Counter, Histogram } from "prom-client";
import { traceConnectorCall } from "../tracing/tracer.js";
import { connectorOperationLabel, connectorOutcomeLabel, keystoreTypeLabel } from "./labels.js";
import { processRegistry } from "./registry.js";

const calls = new Counter({
  name: "uko_connector_calls_total",
  help: "Connector sessions (one piece of keystore work: a connection test, or a key's changes in one keystore) by keystore type, operation and outcome (OK or the connector error code; UNAVAILABLE: the connector was restarting)",
  labelNames: ["type", "operation", "outcome"],
  registers: [processRegistry],
});
const duration = new Histogram({
  name: "uko_connector_call_duration_seconds",
  help: "How long connector sessions took, by keystore type and operation",
  labelNames: ["type", "operation"],
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [processRegistry],
});
const throttled = new Counter({
  name: "uko_connector_throttled_total",
  help: "Connector sessions that ended THROTTLED (the keystore refused for rate; the connector's own retries were spent)",
  labelNames: ["type"],
  registers: [processRegistry],
});

/**
 * One finished connector session: counted, timed and (when tracing is on) traced. The one place
 * connector calls are observed; invoke.ts calls it when a session ends, however it ends.
 */
export function recordConnectorCall(call: { type: string; operation?: string; outcome: string; ms: number }): void {
  const type = keystoreTypeLabel(call.type);
  const operation = connectorOperationLabel(call.operation);
  const outcome = connectorOutcomeLabel(call.outcome);
  calls.inc({ type, operation, outcome });
  duration.observe({ type, operation }, call.ms / 1000);
  if (outcome === "THROTTLED") throttled.inc({ type });
  const endedAt = Date.now();
  traceConnectorCall({ type, operation, outcome, startedAt: endedAt - call.ms, endedAt });
}
