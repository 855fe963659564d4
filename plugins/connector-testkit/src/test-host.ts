import { createRedactingLogger, type ConnectorHost, type ConnectorLogger } from "@uko/connector-sdk";
import type { TestHostOptions } from "./types.js";

export interface TestHost extends ConnectorHost {
  /** Every line logged, as the gateway would write it (secrets redacted): `level message {fields}`. */
  readonly lines: string[];
  /** The same lines before redaction: what the connector handed the logger. */
  readonly rawLines: string[];
}

/**
 * A ConnectorHost as the gateway gives one for an operation: a redacting logger that captures its
 * lines, a deadline and abort signal, a per-call timeout, and a retry policy with delays short
 * enough not to slow a test suite.
 */
export function createTestHost(options: TestHostOptions = {}): TestHost {
  const lines: string[] = [];
  const rawLines: string[] = [];
  const capture =
    (into: string[], level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      into.push(`${level} ${message} ${safeJson(fields ?? {})}`);
    };
  const sink = (into: string[]): ConnectorLogger => ({ debug: capture(into, "debug"), info: capture(into, "info"), warn: capture(into, "warn"), error: capture(into, "error") });
  const redacting = createRedactingLogger(sink(lines), options.secrets ?? []);
  const raw = sink(rawLines);
  const logger: ConnectorLogger = {
    debug: (m, f) => (raw.debug(m, f), redacting.debug(m, f)),
    info: (m, f) => (raw.info(m, f), redacting.info(m, f)),
    warn: (m, f) => (raw.warn(m, f), redacting.warn(m, f)),
    error: (m, f) => (raw.error(m, f), redacting.error(m, f)),
  };
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? 5_000;
  return {
    lines,
    rawLines,
    logger,
    clock: { now },
    signal: AbortSignal.timeout(timeoutMs),
    deadline: new Date(now().getTime() + timeoutMs),
    callTimeoutMs: options.callTimeoutMs ?? timeoutMs,
    retry: { maxAttempts: options.maxAttempts ?? 3, baseDelayMs: 5, maxDelayMs: 20 },
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_, v: unknown) => (v instanceof Error ? `${v.name}: ${v.message}` : typeof v === "bigint" ? String(v) : v));
  } catch {
    return String(value);
  }
}
