import { collectDefaultMetrics, Registry } from "prom-client";

/**
 * The process's metrics: what happens in it (requests, connector calls, rounds, audit writes)
 * and the runtime's own (event-loop lag, heap, RSS, from prom-client's default metrics). One per
 * process, like the process itself; each gateway adds its database gauges in a registry of its own.
 */
export const processRegistry = new Registry();
collectDefaultMetrics({ register: processRegistry });
