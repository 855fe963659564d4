import { setMaxListeners } from "node:events";
import {
  ConnectorError,
  createRedactingLogger,
  isConnectorError,
  redactString,
  type ConnectorHost,
  type ConnectorLogger,
  type ConnectorSession,
  type PropertyValues,
  type RetryPolicy,
} from "@uko/connector-sdk";
import { recordConnectorCall } from "../metrics/connector-calls.js";
import { openSession } from "./open-session.js";
import type { LoadedConnector } from "./registry.js";

export interface InvokeOptions {
  /** The whole operation's budget (UKO_CONNECTOR_TIMEOUT_MS), however many remote calls it makes. */
  timeoutMs: number;
  /** One remote call's deadline (UKO_CONNECTOR_CALL_TIMEOUT_MS); capped by the operation's budget. */
  callTimeoutMs?: number;
  logger: ConnectorLogger;
  retry?: RetryPolicy;
  clock?: { now(): Date };
  /** What the session is for, in metrics and traces: test, connect, push, resume, observe. */
  operation?: string;
}

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 2_000 };

/**
 * Runs one connector operation under its budget: `work` gets a host (redacting logger, per-call
 * and per-operation deadlines, abort signal). Whatever the connector does — throw anything, hang,
 * ignore the abort signal — the caller gets a result or a ConnectorError in time, and no secret
 * in its message.
 */
export async function withHost<T>(
  connector: LoadedConnector,
  secrets: readonly string[],
  options: InvokeOptions,
  work: (host: ConnectorHost) => Promise<T>,
): Promise<T> {
  const clock = options.clock ?? { now: () => new Date() };
  const controller = new AbortController();
  // An operation makes many remote calls, each listening for the abort: not a leak.
  setMaxListeners(1000, controller.signal);
  const logger = createRedactingLogger(options.logger, secrets);
  const host: ConnectorHost = {
    logger,
    clock,
    signal: controller.signal,
    deadline: new Date(clock.now().getTime() + options.timeoutMs),
    callTimeoutMs: Math.min(options.callTimeoutMs ?? options.timeoutMs, options.timeoutMs),
    retry: options.retry ?? DEFAULT_RETRY,
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ConnectorError("UNREACHABLE", `The keystore did not answer within ${formatSeconds(options.timeoutMs)}`));
    }, options.timeoutMs);
  });
  const started = performance.now();
  let outcome = "OK";
  try {
    return await Promise.race([work(host), deadline]);
  } catch (error) {
    const failure = toConnectorError(error, secrets, logger, connector.definition.type);
    outcome = failure.code;
    throw failure;
  } finally {
    clearTimeout(timer);
    controller.abort();
    recordConnectorCall({ type: connector.definition.type, operation: options.operation, outcome, ms: performance.now() - started });
  }
}

/**
 * One piece of connector work on a session of its own (connect, `work`, close): for properties
 * that belong to no keystore yet (a connection test, a property change under test). A connected
 * keystore's operations reuse its session instead (SessionPool).
 */
export function withSession<T>(
  connector: LoadedConnector,
  properties: PropertyValues,
  secrets: readonly string[],
  options: InvokeOptions,
  work: (session: ConnectorSession, host: ConnectorHost) => Promise<T>,
): Promise<T> {
  return withHost(connector, secrets, options, async (host) => {
    const session = await openSession(connector, properties, host);
    try {
      return await work(session, host);
    } finally {
      // A failing close must not hide the result; it is only worth a log line.
      session.close?.().catch((error: unknown) => host.logger.warn("connector session close failed", { error }));
    }
  });
}

/** A connector's error as the gateway passes it on: its code, a message without secrets; anything else masked. */
export function toConnectorError(error: unknown, secrets: readonly string[], logger: ConnectorLogger, type: string): ConnectorError {
  if (isConnectorError(error)) {
    return new ConnectorError(error.code, redactString(error.message, secrets), { properties: error.properties, retryable: error.retryable });
  }
  logger.error("connector failed unexpectedly", { type, error });
  return new ConnectorError("REMOTE_ERROR", `The ${type} connector failed unexpectedly; the gateway log has the details`);
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}
