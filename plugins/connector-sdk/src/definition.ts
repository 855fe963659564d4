import type { ConnectorHost } from "./host.js";
import type { PropertyDefinition, PropertyValues } from "./properties.js";

/**
 * The version of this contract. The gateway refuses a connector built against another major
 * contract, naming both versions, instead of failing on the first call that does not fit.
 */
export const CONTRACT_VERSION = 1;

export type KeyAlgorithm = "aes" | "rsa" | "ec" | "hmac";

export interface RequiredPermission {
  /** The remote system's own name for it, e.g. `kms:ImportKeyMaterial`. */
  readonly name: string;
  readonly description: string;
}

export interface ConnectorCapabilities {
  /** The key algorithms and sizes this keystore type can hold (sizes as UKO spells them: "256", "2048", "P-256"). */
  readonly algorithms: readonly { readonly algorithm: KeyAlgorithm; readonly sizes: readonly string[] }[];
  /** Optional operations the session implements, by name, for capability discovery. */
  readonly operations: readonly string[];
}

export type CheckKind = "reachability" | "authentication" | "permission" | "configuration";
export type CheckOutcome = "passed" | "failed" | "not_verifiable" | "skipped";

export interface ConnectionCheck {
  /** Stable identifier, e.g. `reachability` or `permission:kms:ListKeys`. */
  readonly name: string;
  readonly kind: CheckKind;
  readonly outcome: CheckOutcome;
  readonly message: string;
  /** For permission checks: the permission's name in the remote system. */
  readonly permission?: string;
}

export interface ConnectionTestReport {
  readonly checks: readonly ConnectionCheck[];
}

/** A live connection to one remote keystore, created by `connect`. */
export interface ConnectorSession {
  /**
   * Reachability, authentication and permissions, without side effects in the remote system.
   * Throw a ConnectorError when the test cannot proceed at all (unreachable, bad credentials).
   */
  test(host: ConnectorHost): Promise<ConnectionTestReport>;
  /** First-connect setup in the remote system (e.g. Azure's import key). Must be idempotent. */
  onConnect?(host: ConnectorHost): Promise<void>;
  /** Releases sockets and timers. */
  close?(): Promise<void>;
}

export interface ConnectorDefinition {
  /** Stable id in UKO's spelling, e.g. `aws_kms`. */
  readonly type: string;
  readonly displayName: string;
  readonly description: string;
  readonly contractVersion: number;
  readonly properties: readonly PropertyDefinition[];
  /**
   * The properties that together name the remote keystore (all immutable). The gateway refuses
   * to connect one remote keystore twice, in any vault.
   */
  readonly identifyingProperties: readonly string[];
  readonly requiredPermissions: readonly RequiredPermission[];
  readonly capabilities: ConnectorCapabilities;
  /** Computes the `derived` properties from the given ones; throw ConnectorError INVALID_PROPERTIES if it cannot. */
  derive?(properties: Readonly<PropertyValues>): PropertyValues;
  /** Opens a session; must not contact the remote system beyond what creating a client needs. */
  connect(properties: Readonly<PropertyValues>, host: ConnectorHost): Promise<ConnectorSession> | ConnectorSession;
}

export type ConnectorSpec = Omit<ConnectorDefinition, "contractVersion">;

/** The default export of a connector package. */
export function defineConnector(spec: ConnectorSpec): ConnectorDefinition {
  return Object.freeze({ ...spec, contractVersion: CONTRACT_VERSION });
}
