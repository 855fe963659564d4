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

/**
 * Given to a connector for each operation (one gateway request of it: an install, a test). An
 * operation may make several remote calls: each gets its own deadline (`callTimeoutMs`), and the
 * whole operation a larger budget (`deadline`), so one slow call fails and is retried while a
 * uniformly slow cloud still finishes a multi-call operation.
 */
export interface ConnectorHost {
  /** Redacts every secret property value of the keystore from whatever it is given. */
  readonly logger: ConnectorLogger;
  readonly clock: { now(): Date };
  /** Aborted when the operation's budget is spent or the gateway shuts down. */
  readonly signal: AbortSignal;
  /** When the whole operation must have finished. */
  readonly deadline: Date;
  /** How long one remote call may take. */
  readonly callTimeoutMs: number;
  readonly retry: RetryPolicy;
}

/**
 * A signal for one remote call: aborted after `host.callTimeoutMs`, at the operation's deadline,
 * or when the operation is aborted, whichever comes first. Pass it to the SDK call.
 */
export function callSignal(host: ConnectorHost): AbortSignal {
  const left = Math.max(0, host.deadline.getTime() - host.clock.now().getTime());
  return AbortSignal.any([host.signal, AbortSignal.timeout(Math.min(host.callTimeoutMs, left))]);
}

/** Waits `ms`, or less when `signal` aborts first; never rejects. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

export interface RetryOptions {
  /** Names the remote operation in log lines. */
  readonly operation: string;
  /** Whether a failure is transient (throttling, 5xx, a reset connection, a call timeout). */
  readonly isRetryable: (error: unknown) => boolean;
}

/**
 * Runs `call` with a fresh per-call signal, retrying transient failures with full-jitter backoff
 * from the host's policy, never past the operation's deadline and never after it was aborted.
 * Throws the last error as it came (map it to a ConnectorError around this call). Turn the SDK's
 * own retries off: retrying twice multiplies waits.
 */
export async function withRetries<T>(host: ConnectorHost, options: RetryOptions, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(callSignal(host));
    } catch (error) {
      const delay = backoffDelayMs(host.retry, attempt + 1);
      const timeLeft = host.deadline.getTime() - host.clock.now().getTime();
      if (attempt >= host.retry.maxAttempts || host.signal.aborted || delay >= timeLeft || !options.isRetryable(error)) throw error;
      host.logger.debug("retrying a remote call", { operation: options.operation, attempt, delayMs: delay, error: (error as Error)?.name });
      await abortableSleep(delay, host.signal);
    }
  }
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
