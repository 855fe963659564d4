import { FaultPlan as SharedFaultPlan } from "@uko/emulator-kit";
import type { Fault } from "./types.js";

/**
 * Injected faults, matched against each request's operation (the emulator kit's plan). A fault
 * with `times` is used up after that many matching requests; one without stays until `clear()`.
 * AWS answers a server error as 500 (KMSInternalException) or 503 (DependencyTimeoutException).
 */
export class FaultPlan extends SharedFaultPlan<Fault> {
  override inject(fault: Fault): void {
    if (fault.kind === "server_error" && fault.status !== undefined && fault.status !== 500 && fault.status !== 503) {
      throw new RangeError(`A server_error fault's status must be 500 or 503, not ${String(fault.status)}`);
    }
    super.inject(fault);
  }
}
