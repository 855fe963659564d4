import type { ConnectorHost } from "./host.js";
import type { KeyOperations } from "./key-operations.js";
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

/** What a key's name in this keystore type may be (an AWS alias, an Azure key name). */
export interface KeyNamingRules {
  readonly minLength: number;
  readonly maxLength: number;
  /** An ECMAScript regular expression source the whole name must match. */
  readonly pattern: string;
  /** Says what is allowed, in a person's words. */
  readonly patternMessage: string;
  /** Prefixes a name may not start with (AWS reserves `aws/`), compared case-insensitively. */
  readonly reservedPrefixes?: readonly string[];
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
  /**
   * The account, tenant or instance behind the credentials, when the test could learn it (an
   * AWS account id). With the identifying properties it names the remote keystore; without it,
   * the `identityFallbackProperties` stand in.
   */
  readonly account?: string;
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
  /** The managed-key operations; absent for a keystore that can only be tested. */
  readonly keys?: KeyOperations;
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
  /**
   * Properties that stand in for the account when a connection test could not learn it (for AWS,
   * the access key id, which belongs to exactly one account). They may be mutable.
   */
  readonly identityFallbackProperties?: readonly string[];
  readonly requiredPermissions: readonly RequiredPermission[];
  readonly capabilities: ConnectorCapabilities;
  /** Required when the connector has key operations: the names its keys may carry. */
  readonly keyNaming?: KeyNamingRules;
  /**
   * Per-type options a key template may set for this keystore type (e.g. AWS's deletion waiting
   * period), described and validated like connection properties. Neither secret nor derived.
   */
  readonly templateOptions?: readonly PropertyDefinition[];
  /** The integer template option that holds how many days a destroyed key stays pending deletion. */
  readonly pendingWindowOption?: string;
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
