import type { ConnectorHost } from "./host.js";
import type { KeyOperations, OptionalKeyOperation } from "./key-operations.js";
import type { PriceModel } from "./price-model.js";
import type { PropertyDefinition, PropertyValues } from "./properties.js";

/**
 * The version of this contract. The gateway refuses a connector built against another major
 * contract, naming both versions, instead of failing on the first call that does not fit.
 */
export const CONTRACT_VERSION = 2;

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
  /**
   * The optional key operations every session of this type implements. The gateway checks each
   * session against this list (a session that lacks a declared operation is refused) and never
   * calls an undeclared one: it refuses the user's request with UNSUPPORTED instead.
   */
  readonly operations: readonly OptionalKeyOperation[];
  /**
   * Declares the session's `repairKeystore`: the keystore's connect-time prerequisites (Azure's
   * import key, Google's import job) can be made ready again on a user's request. The gateway
   * offers it as the `repairKeystore` mutation and, in the console, as a button with `label`.
   */
  readonly repair?: RepairCapability;
}

/** How the console and the API describe a connector's repair action. */
export interface RepairCapability {
  /** The button's label, a short imperative, e.g. "Recreate import key" (at most 40 characters). */
  readonly label: string;
  /** What it does in the remote system, for a person. */
  readonly description: string;
}

/** What the gateway tells a connection test about the keystore it tests. */
export interface TestContext {
  /**
   * The keystore is connected (its `onConnect` ran): what `onConnect` creates must exist now, and
   * its absence is a failure, not a step still to come. False for properties not yet connected.
   */
  readonly connected: boolean;
}

/**
 * How the keystore type rotates a key:
 * - `new_version`: the new material becomes a new version of the same remote key (Azure, Google,
 *   IBM); the key id stays, `RemoteKey.materialVersion` changes, older versions stay usable to
 *   decrypt.
 * - `new_key`: the new material goes into a new remote key and the key's name moves to it (AWS
 *   aliases); the old key keeps its id and its material.
 */
export type RotationModel = "new_version" | "new_key";

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
   * the `identityFallbackProperties` stand in. The gateway uses it to tell the user, at test
   * time, that this remote keystore is already connected.
   */
  readonly account?: string;
}

/**
 * A live connection to one remote keystore, created by `connect`. The gateway keeps one session
 * per keystore and version of its properties, and reuses it for every call until the properties
 * change, the keystore is disconnected or the gateway stops; then it calls `close()`. So a
 * session may cache what is costly to get (an OAuth token, an import job, a wrapping key), and
 * must be safe for concurrent calls. Each call gets its own `host` (deadline, signal, logger).
 */
export interface ConnectorSession {
  /**
   * Reachability, authentication and permissions, without side effects in the remote system.
   * Throw a ConnectorError when the test cannot proceed at all (unreachable, bad credentials).
   */
  test(host: ConnectorHost, context?: TestContext): Promise<ConnectionTestReport>;
  /** First-connect setup in the remote system (e.g. Azure's import key). Must be idempotent. */
  onConnect?(host: ConnectorHost): Promise<void>;
  /**
   * Required when `capabilities.repair` is declared, never called otherwise. Makes the
   * connect-time prerequisites ready again after they disappeared in the remote system (recover,
   * enable or recreate them), idempotently: on a healthy keystore it changes nothing. Throw a
   * ConnectorError that says why when it cannot (e.g. a foreign object holds the name).
   */
  repairKeystore?(host: ConnectorHost): Promise<void>;
  /**
   * Called on the new session after a user changed the keystore's properties (new credentials, a
   * replaced key file), with the values before the change (secrets included, never to be logged).
   * Throw a ConnectorError to refuse the change (e.g. a key file for another project); the
   * gateway then keeps the old properties.
   */
  onPropertiesChanged?(previous: Readonly<PropertyValues>, host: ConnectorHost): Promise<void>;
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
  /** How this keystore type rotates; required when the connector declares the `rotate` operation. */
  readonly rotation?: RotationModel;
  /** Required when the connector has key operations: the names its keys may carry. */
  readonly keyNaming?: KeyNamingRules;
  /**
   * Per-type options a key template may set for this keystore type (e.g. AWS's deletion waiting
   * period), described and validated like connection properties. Neither secret nor derived.
   */
  readonly templateOptions?: readonly PropertyDefinition[];
  /**
   * The template option that sets how long a destroyed key stays recoverable in this keystore
   * (AWS's pending window, Azure's purge delay, Google's destroy-scheduled duration). The gateway
   * does not interpret it: it shows it with the template and passes the template's options to
   * `installKey` and `scheduleKeyDeletion`, where the connector reads it.
   */
  readonly deletionWindowOption?: string;
  /**
   * The cloud's public list prices for this keystore type (per key version per month, per 10,000
   * operations, or "not per key"), for the gateway's cost estimate. Optional: without it the
   * estimate shows no cloud price unless the operator's price list has one.
   */
  readonly priceModel?: PriceModel;
  /** Computes the `derived` properties from the given ones; throw ConnectorError INVALID_PROPERTIES if it cannot. */
  derive?(properties: Readonly<PropertyValues>): PropertyValues | Promise<PropertyValues>;
  /** Opens a session; must not contact the remote system beyond what creating a client needs. */
  connect(properties: Readonly<PropertyValues>, host: ConnectorHost): Promise<ConnectorSession> | ConnectorSession;
}

export type ConnectorSpec = Omit<ConnectorDefinition, "contractVersion">;

/** The API name of the gateway's repair action, for connectors' messages (see `repairHint`). */
export const REPAIR_MUTATION = "repairKeystore";

/** Names the repair action the way a person finds it: in the console by its label, in the API by the mutation. */
export function repairHint(repair: RepairCapability): string {
  return `the keystore's "${repair.label}" action (the ${REPAIR_MUTATION} mutation in the API)`;
}

/** The default export of a connector package. */
export function defineConnector(spec: ConnectorSpec): ConnectorDefinition {
  return Object.freeze({ ...spec, contractVersion: CONTRACT_VERSION });
}
