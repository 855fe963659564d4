import type { Fault } from "./types.js";

/**
 * Injected faults, matched against each request's operation. A fault with `times` is used up after
 * that many matching requests; one without stays until `clear()`.
 */
export interface FaultDecision {
  /** Total delay from matching latency faults, applied before anything else. */
  latencyMs: number;
  /** The first matching fault of another kind, which decides how the request is answered. */
  outcome?: Exclude<Fault, { kind: "latency" }>;
}

interface ActiveFault {
  fault: Fault;
  remaining: number;
}

export class FaultPlan {
  private active: ActiveFault[] = [];

  inject(fault: Fault): void {
    if (fault.times !== undefined && (!Number.isInteger(fault.times) || fault.times < 1)) {
      throw new RangeError(`A fault's times must be a positive integer, not ${fault.times}`);
    }
    if (fault.kind === "latency" && (!Number.isFinite(fault.ms) || fault.ms < 0)) {
      throw new RangeError(`A latency fault needs ms >= 0, not ${fault.ms}`);
    }
    if (fault.kind === "server_error" && fault.status !== undefined && fault.status !== 500 && fault.status !== 503) {
      throw new RangeError(`A server_error fault's status must be 500 or 503, not ${String(fault.status)}`);
    }
    this.active.push({ fault: { ...fault }, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.active = [];
  }

  /** Decides what happens to a request for `operation`, using up the faults that apply. */
  take(operation: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    for (const entry of this.active) {
      const { fault } = entry;
      if (fault.operation !== undefined && fault.operation !== operation) continue;
      if (fault.kind === "latency") {
        decision.latencyMs += fault.ms;
        entry.remaining--;
      } else if (!decision.outcome) {
        decision.outcome = fault;
        entry.remaining--;
      }
    }
    this.active = this.active.filter((entry) => entry.remaining > 0);
    return decision;
  }
}
