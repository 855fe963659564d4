import { isConnectorError, type ConnectionCheck, type ConnectorError, type ConnectorHost, type ConnectorSession } from "@uko/connector-sdk";

export type Health = "OK" | "NOT_RESPONDING" | "CONFIGURATION_ERROR" | "PENDING_CHECK";

export interface ConnectionTestResult {
  ok: boolean;
  health: Health;
  message: string;
  checks: ConnectionCheck[];
  missingPermissions: string[];
  /** The remote system answered (even if to refuse): worth a heartbeat. */
  answered: boolean;
  testedAt: Date;
  errorCode?: string;
  /** The account behind the credentials, when the test learned it: part of the remote keystore's identity. */
  account?: string;
  /**
   * For unsaved properties: the remote keystore they name is already connected. Which keystore and
   * vault only when the caller may read that vault; otherwise only that it is.
   */
  alreadyConnected?: AlreadyConnected;
}

export interface AlreadyConnected {
  keystoreId?: string;
  keystoreName?: string;
  vaultId?: string;
  vaultName?: string;
}

/** Codes meaning the keystore answered but the connection settings are wrong. */
const CONFIGURATION_CODES = new Set(["AUTHENTICATION_FAILED", "PERMISSION_DENIED", "INVALID_PROPERTIES", "NOT_FOUND", "CONFLICT", "UNSUPPORTED"]);

/** Runs work on a session under an operation's budget: a one-off session, or a connected keystore's pooled one. */
export type SessionRunner = <T>(work: (session: ConnectorSession, host: ConnectorHost) => Promise<T>) => Promise<T>;

/**
 * Runs a connector's connection test (optionally its first-connect step before it) and sums it up
 * as a health, a sentence for a person, the structured checks and the missing permissions.
 */
export interface TestOptions {
  /** Run the connector's first-connect step before the test. */
  firstConnect?: boolean;
  /** The keystore is connected (or is being, after its first-connect step): what that step made must exist. */
  connected?: boolean;
}

export async function runConnectionTest(run: SessionRunner, options: TestOptions = {}): Promise<ConnectionTestResult> {
  return (await runConnectionTestThen(run, options, async () => {})).result;
}

/**
 * The same, then `after` on the same session when the test ran (whatever it found): for a property
 * change, whose hook must run on the new properties' session. What `after` throws is not a test
 * outcome: it comes back as `refusal`, as thrown (the caller redacts it).
 */
export async function runConnectionTestThen(
  run: SessionRunner,
  options: TestOptions,
  after: (session: ConnectorSession, host: ConnectorHost) => Promise<void>,
): Promise<{ result: ConnectionTestResult; refusal?: unknown }> {
  const testedAt = new Date();
  try {
    const { report, refusal } = await run(async (session, host) => {
      if (options.firstConnect) await session.onConnect?.(host);
      const tested = await session.test(host, { connected: options.connected ?? options.firstConnect ?? false });
      try {
        await after(session, host);
        return { report: tested, refusal: undefined as unknown };
      } catch (error) {
        return { report: tested, refusal: error ?? new Error("refused") };
      }
    });
    const summary = summarise([...report.checks], testedAt);
    const result = report.account ? { ...summary, account: report.account } : summary;
    return refusal === undefined ? { result } : { result, refusal };
  } catch (error) {
    if (!isConnectorError(error)) throw error;
    return { result: fromError(error, testedAt) };
  }
}

function summarise(checks: ConnectionCheck[], testedAt: Date): ConnectionTestResult {
  const failed = checks.filter((c) => c.outcome === "failed");
  const missingPermissions = failed.filter((c) => c.kind === "permission").map((c) => c.permission ?? c.name);
  const unreachable = failed.some((c) => c.kind === "reachability");
  if (failed.length === 0) {
    const unverifiable = checks.filter((c) => c.outcome === "not_verifiable").length;
    return {
      ok: true,
      health: "OK",
      message: unverifiable ? `Connection test passed; ${unverifiable} permission${unverifiable === 1 ? "" : "s"} could not be verified without side effects` : "Connection test passed",
      checks,
      missingPermissions,
      answered: true,
      testedAt,
    };
  }
  const message = missingPermissions.length
    ? `The credentials lack ${missingPermissions.length === 1 ? "a permission" : "permissions"}: ${missingPermissions.join(", ")}`
    : failed.map((c) => c.message).join("; ");
  return { ok: false, health: unreachable ? "NOT_RESPONDING" : "CONFIGURATION_ERROR", message, checks, missingPermissions, answered: !unreachable, testedAt };
}

function fromError(error: ConnectorError, testedAt: Date): ConnectionTestResult {
  const configuration = CONFIGURATION_CODES.has(error.code);
  const kind = error.code === "AUTHENTICATION_FAILED" ? "authentication" : configuration ? "configuration" : "reachability";
  return {
    ok: false,
    health: configuration ? "CONFIGURATION_ERROR" : "NOT_RESPONDING",
    message: error.message,
    checks: [{ name: kind, kind, outcome: "failed", message: error.message }],
    missingPermissions: [],
    answered: configuration,
    testedAt,
    errorCode: error.code,
  };
}
