/**
 * Faults injected into an emulator, matched against each request's operation name. Every
 * emulator shares the `latency` kind (it adds up with the others) and decides what its other
 * kinds mean on its wire (a 429, a gRPC RESOURCE_EXHAUSTED, a reset connection, a hang).
 */
export interface FaultBase {
  readonly kind: string;
  /** Only requests for this operation; all operations when absent. */
  readonly operation?: string;
  /** Used up after this many matching requests; stays until `clear()` when absent. */
  readonly times?: number;
}

export interface LatencyFault extends FaultBase {
  readonly kind: "latency";
  readonly ms: number;
}

export interface FaultDecision<F extends FaultBase> {
  /** Total delay from matching latency faults, applied before anything else. */
  latencyMs: number;
  /** The first matching fault of another kind, in injection order: it decides the answer. */
  outcome?: Exclude<F, LatencyFault>;
}

interface ActiveFault<F> {
  fault: F;
  remaining: number;
}

export class FaultPlan<F extends FaultBase> {
  private active: ActiveFault<F>[] = [];

  inject(fault: F): void {
    if (fault.times !== undefined && (!Number.isInteger(fault.times) || fault.times < 1)) {
      throw new RangeError(`A fault's times must be a positive integer, not ${fault.times}`);
    }
    if (isLatency(fault) && (!Number.isFinite(fault.ms) || fault.ms < 0)) {
      throw new RangeError(`A latency fault needs ms >= 0, not ${fault.ms}`);
    }
    this.active.push({ fault: { ...fault }, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.active = [];
  }

  /** Decides what happens to a request for `operation`, using up the faults that apply. */
  take(operation: string): FaultDecision<F> {
    const decision: FaultDecision<F> = { latencyMs: 0 };
    for (const entry of this.active) {
      const { fault } = entry;
      if (fault.operation !== undefined && fault.operation !== operation) continue;
      if (isLatency(fault)) {
        decision.latencyMs += fault.ms;
        entry.remaining--;
      } else if (!decision.outcome) {
        decision.outcome = fault as Exclude<F, LatencyFault>;
        entry.remaining--;
      }
    }
    this.active = this.active.filter((entry) => entry.remaining > 0);
    return decision;
  }
}

function isLatency(fault: FaultBase): fault is LatencyFault {
  return fault.kind === "latency";
}
