import type { SettableClock } from "@uko/emulator-kit";

/** A service account the emulator knows, with the IAM permissions it holds on its project. */
export interface EmulatorServiceAccount {
  /** The account's e-mail, `<name>@<project>.iam.gserviceaccount.com`. */
  readonly email: string;
  readonly projectId: string;
  /** Google's permission names it holds on every key ring of its project, or "*" for all. */
  readonly permissions: "*" | readonly string[];
}

/** A service-account JSON key file as Google issues it (the fields the SDK reads). */
export interface ServiceAccountKeyFile {
  readonly type: "service_account";
  readonly project_id: string;
  readonly private_key_id: string;
  readonly private_key: string;
  readonly client_email: string;
  readonly client_id: string;
  readonly auth_uri: string;
  readonly token_uri: string;
}

/** What the emulator can be made to do instead of answering a call (matched on the method name, e.g. `GetKeyRing`). */
export type Fault =
  | { kind: "latency"; ms: number; operation?: string; times?: number }
  | { kind: "unavailable"; operation?: string; times?: number }
  | { kind: "resource_exhausted"; operation?: string; times?: number }
  /** Google's "Internal error encountered." (HTTP 500): a server error the caller may retry. */
  | { kind: "internal"; operation?: string; times?: number }
  | { kind: "deadline_exceeded"; operation?: string; times?: number }
  /** No answer at all, until the client gives up or the emulator closes. */
  | { kind: "hang"; operation?: string; times?: number };

export interface RequestRecord {
  /** The gRPC method, e.g. `CreateCryptoKey` or `TestIamPermissions`. */
  readonly method: string;
  /** The caller, once its JWT was verified. */
  readonly caller?: string;
  /** The gRPC status code of the answer (0 = OK), or undefined when no answer was given. */
  readonly code?: number;
}

export interface GoogleKmsEmulatorOptions {
  /** Loopback address to listen on (default 127.0.0.1) and port (default any free one). */
  readonly host?: string;
  readonly port?: number;
  /** The project of the default service account and key ring (default `uko-emulator`). */
  readonly projectId?: string;
  /** The location of the default key ring (default `global`). */
  readonly location?: string;
  /** Key rings created at start in the default project and location (default ["uko"]). */
  readonly keyRings?: readonly string[];
  /** The clock of the key lifecycle (import job expiry, destroy-scheduled durations); real time by default. */
  readonly clock?: SettableClock;
}

export interface GoogleKmsEmulator {
  /** `127.0.0.1:<port>`: what the connector's API endpoint property takes. */
  readonly endpoint: string;
  readonly host: string;
  readonly port: number;
  /** The PEM of the test CA that signed the server certificate (a new one per start). */
  readonly caPem: string;
  readonly projectId: string;
  readonly location: string;
  readonly clock: SettableClock;
  /** The JSON key file of the default service account, which holds every permission. */
  readonly keyFile: ServiceAccountKeyFile;
  /** Adds a service account (or replaces its permissions) and issues a new key for it. */
  addServiceAccount(account: { name: string; projectId?: string; permissions: "*" | readonly string[] }): ServiceAccountKeyFile;
  /** Deletes one key of a service account: calls signed with it are UNAUTHENTICATED from then on. */
  deleteServiceAccountKey(privateKeyId: string): void;
  createKeyRing(projectId: string, location: string, keyRingId: string): string;
  readonly faults: { inject(fault: Fault): void; clear(): void };
  readonly inspect: EmulatorInspection;
  close(): Promise<void>;
}

export interface EmulatorInspection {
  /** Every call answered so far, in order. */
  requests(): RequestRecord[];
  /** The material an imported version holds (by its full resource name), or undefined. */
  versionMaterial(versionName: string): Buffer | undefined;
  /** Whether any version of the crypto key holds exactly `material`. */
  keyHoldsMaterial(cryptoKeyName: string, material: Uint8Array): boolean;
  /** How many crypto keys and import jobs exist, in every key ring. */
  counts(): { cryptoKeys: number; importJobs: number };
}
