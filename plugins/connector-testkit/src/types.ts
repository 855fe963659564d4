import type { ConnectorDefinition, ConnectorSession, KeyMaterial, KeySpec, PropertyValues, RemoteKey } from "@uko/connector-sdk";

/**
 * The public options of `runConnectorSuite`. Connector authors depend on these shapes: add
 * optional members only.
 */

/** Faults the live suite can ask an emulator for, to check the error codes a connector gives. */
export type SuiteFaultKind =
  /** The remote system throttles every call: the connector must end with THROTTLED. */
  | "throttle"
  /** The remote system fails every call with a server error: REMOTE_ERROR (retryable) or UNREACHABLE. */
  | "server_error"
  /** The remote system never answers: UNREACHABLE, by the operation's deadline. */
  | "hang";

/** What the suite may do to an emulator beyond talking to it as the connector does. */
export interface EmulatorHandle {
  /** Makes every following call fail in the given way until `clear()`. */
  readonly faults?: {
    inject(kind: SuiteFaultKind): void;
    clear(): void;
  };
  /** Anything else the `proveMaterial` hook needs (e.g. an `inspect` hook); the suite does not read it. */
  readonly [more: string]: unknown;
}

/** One place the live suite runs against: the connector's emulator, or a real cloud in acceptance runs. */
export interface ConnectorTarget {
  /** Connection properties that connect and are allowed everything the connector needs. */
  readonly properties: PropertyValues;
  /** The account the connection test must learn (`ConnectionTestReport.account`), when the target knows it. */
  readonly account?: string;
  readonly emulator?: EmulatorHandle;
  /** Stops the emulator; called once after the live suite. */
  close?(): Promise<void>;
}

type Maybe<T> = T | Promise<T>;

/**
 * Properties for the negative cases. Each factory gets the target and returns the properties to
 * connect with, or undefined to skip that case (say why in a comment).
 */
export interface NegativeCases {
  /** Credentials the remote system refuses: the connection test must fail with AUTHENTICATION_FAILED naming a property. */
  readonly badCredentials?: (target: ConnectorTarget) => Maybe<PropertyValues | undefined>;
  /** An endpoint nothing answers at: the connection test must fail with UNREACHABLE within its deadline. */
  readonly unreachable?: (target: ConnectorTarget) => Maybe<PropertyValues | undefined>;
  /**
   * Credentials that lack exactly `permission` (one of the connector's requiredPermissions): the
   * connection test must report that permission's check as failed (or fail with PERMISSION_DENIED)
   * and pass the others it can verify.
   */
  readonly missingPermission?: (target: ConnectorTarget, permission: string) => Maybe<PropertyValues | undefined>;
}

/**
 * Proves that `remoteKey` holds `material` (the exact bytes the suite installed): a crypto round
 * trip through the keystore (encrypt there, decrypt locally; sign there, verify locally), the
 * connector's own `verifyKeyMaterial`, or the emulator's inspection hook. Must answer false for
 * other material of the same kind: the suite checks that too.
 */
export type ProveMaterial = (session: ConnectorSession, remoteKey: RemoteKey, material: KeyMaterial, target: ConnectorTarget) => Maybe<boolean>;

/** The live checks, by name, for `skip`. */
export type LiveCheck =
  | "connection"
  | "negative"
  | "install"
  | "rotate"
  | "enable_disable"
  | "deletion"
  | "list_paging"
  | "find_managed_copy"
  | "resume_install"
  | "error_codes"
  | "faults"
  | "secret_leaks";

export interface LintOptions {
  /** Property names that look secret (`*key*`, `*secret*`, `*password*`, `*token*`, `*credentials*`) but are not: e.g. `aws_access_key_id`. */
  readonly notSecret?: readonly string[];
}

export interface ConnectorSuiteOptions {
  /** The connector's default export. */
  readonly connector: ConnectorDefinition;
  /** Where the live suite runs. Without it, only the static lint runs. */
  readonly target?: () => Maybe<ConnectorTarget>;
  readonly negative?: NegativeCases;
  /** Required for the live suite: how a key's material is proven (see ProveMaterial). */
  readonly proveMaterial?: ProveMaterial;
  /** The kinds to install and prove; default every algorithm and size the connector declares. */
  readonly algorithms?: readonly KeySpec[];
  /**
   * A run against a real cloud (target() returns real-cloud properties from the environment).
   * Default: `UKO_ACC_<TYPE>=1` (e.g. UKO_ACC_AWS_KMS). Emulator-only checks (faults) are skipped,
   * keys are created sparingly and every key the suite created is scheduled for deletion.
   */
  readonly acceptance?: boolean;
  readonly lint?: LintOptions;
  /** Template options for installs and deletions; default each template option's default. */
  readonly templateOptions?: PropertyValues;
  /** Makes a key name that fits the connector's keyNaming rules and is unique; default `uko-kit-<what>-<random>` in lowercase. */
  readonly keyName?: (what: string) => string;
  /** An id of the keystore's shape that names no key (for NOT_FOUND); default a random UUID. */
  readonly unknownKeyId?: () => string;
  /** Per remote operation budget for the suite's hosts, in ms; default 15,000. */
  readonly operationTimeoutMs?: number;
  /** Live checks to leave out, each with the reason (shown as the skipped test's name). */
  readonly skip?: Partial<Readonly<Record<LiveCheck, string>>>;
}

export interface TestHostOptions {
  /** Values the logger redacts (the keystore's secret property values), as the gateway's does. */
  readonly secrets?: readonly string[];
  /** The operation's budget; default 5,000 ms. */
  readonly timeoutMs?: number;
  /** One remote call's budget; default the operation's. */
  readonly callTimeoutMs?: number;
  /** Attempts per call, the first included; default 3, with backoff of a few milliseconds. */
  readonly maxAttempts?: number;
  readonly now?: () => Date;
}
