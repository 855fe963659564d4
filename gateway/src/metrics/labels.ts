import { CONNECTOR_ERROR_CODES } from "@uko/connector-sdk";

/**
 * Label values come only from closed sets, so a client, a connector or an error message can never
 * grow the number of series: anything outside a set is folded into "other".
 */

/** Types come from loaded connectors: short snake_case words. */
export function keystoreTypeLabel(type: string): string {
  return /^[a-z][a-z0-9_]{0,31}$/.test(type) ? type : "other";
}

/** The operations the gateway runs through a connector session ("resume": a push finished later, after a failure or a crash; "repair": repairKeystore). */
export const CONNECTOR_OPERATIONS = ["test", "connect", "push", "resume", "observe", "repair", "keys"] as const;
export function connectorOperationLabel(operation: string | undefined): string {
  return (CONNECTOR_OPERATIONS as readonly string[]).includes(operation ?? "keys") ? (operation ?? "keys") : "other";
}

/** OK, a connector error code, or UNAVAILABLE (a connector process that is restarting). */
const CONNECTOR_OUTCOMES = new Set<string>(["OK", "UNAVAILABLE", ...CONNECTOR_ERROR_CODES]);
export function connectorOutcomeLabel(outcome: string): string {
  return CONNECTOR_OUTCOMES.has(outcome) ? outcome : "OTHER";
}

/** The background jobs. */
export const ROUND_JOBS = ["health", "sync", "resume", "audit_checkpoint"] as const;
export type RoundJob = (typeof ROUND_JOBS)[number];

/**
 * A client's GraphQL operation name, capped: only plain names, and only the first `cap` distinct
 * ones a process sees (after authentication, so a stranger cannot fill the table); the rest are
 * "other", an unnamed operation is "anonymous", and a request refused before parsing "unknown".
 */
export class OperationNames {
  private readonly seen = new Set<string>();

  constructor(private readonly cap = 100) {}

  label(name: string | null | undefined): string {
    if (!name) return "anonymous";
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return "other";
    if (this.seen.has(name)) return name;
    if (this.seen.size >= this.cap) return "other";
    this.seen.add(name);
    return name;
  }
}
