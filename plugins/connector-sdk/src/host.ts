/**
 * What the gateway hands a connector. A connector uses nothing else from its surroundings: no
 * global logger, no wall clock, no unbounded waits.
 */
export interface ConnectorLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface RetryPolicy {
  /** Total attempts, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface ConnectorHost {
  /** Redacts every secret property value of the keystore from whatever it is given. */
  readonly logger: ConnectorLogger;
  readonly clock: { now(): Date };
  /** Aborted when the call's deadline passes or the gateway shuts down; pass it to the SDK. */
  readonly signal: AbortSignal;
  /** When the current call must have finished. */
  readonly deadline: Date;
  readonly retry: RetryPolicy;
}

const REDACTED = "[REDACTED]";

/**
 * Wraps a log sink so that no secret value can pass through it, in the message or in any field,
 * however deeply nested.
 */
export function createRedactingLogger(sink: ConnectorLogger, secrets: readonly string[]): ConnectorLogger {
  // Longest first, so a secret that contains another is replaced whole.
  const needles = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  const scrub = (value: unknown, depth = 0): unknown => {
    if (typeof value === "string") return redactString(value, needles);
    if (depth > 8 || value === null || typeof value !== "object") return value;
    if (value instanceof Error) return redactString(`${value.name}: ${value.message}`, needles);
    if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
  };
  const wrap =
    (level: keyof ConnectorLogger) =>
    (message: string, fields?: Record<string, unknown>): void =>
      sink[level](redactString(message, needles), fields === undefined ? undefined : (scrub(fields) as Record<string, unknown>));
  return { debug: wrap("debug"), info: wrap("info"), warn: wrap("warn"), error: wrap("error") };
}

export function redactString(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join(REDACTED);
  return out;
}

/** Full-jitter exponential backoff: the delay before attempt `attempt` (2 = the first retry). */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 2));
  return Math.floor(random() * cap);
}
