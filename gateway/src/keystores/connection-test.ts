import { isConnectorError, type ConnectionCheck, type ConnectorError, type PropertyValues } from "@uko/connector-sdk";
import { withSession, type InvokeOptions } from "../connectors/invoke.js";
import type { LoadedConnector } from "../connectors/registry.js";

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
}

/** Codes meaning the keystore answered but the connection settings are wrong. */
const CONFIGURATION_CODES = new Set(["AUTHENTICATION_FAILED", "PERMISSION_DENIED", "INVALID_PROPERTIES", "NOT_FOUND", "CONFLICT", "UNSUPPORTED"]);

/**
 * Runs a connector's connection test (optionally its first-connect step before it) and sums it up
 * as a health, a sentence for a person, the structured checks and the missing permissions.
 */
export async function runConnectionTest(
  connector: LoadedConnector,
  properties: PropertyValues,
  secrets: readonly string[],
  options: InvokeOptions & { firstConnect?: boolean },
): Promise<ConnectionTestResult> {
  const testedAt = new Date();
  try {
    const report = await withSession(connector, properties, secrets, { ...options, operation: options.firstConnect ? "connect" : "test" }, async (session, host) => {
      if (options.firstConnect) await session.onConnect?.(host);
      return session.test(host);
    });
    const result = summarise([...report.checks], testedAt);
    return report.account ? { ...result, account: report.account } : result;
  } catch (error) {
    if (!isConnectorError(error)) throw error;
    return fromError(error, testedAt);
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
