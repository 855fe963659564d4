/**
 * The emulator's public types. The connector's tests and the repository's tools depend on these
 * exact shapes; change them only together with those callers.
 */

/** An IAM user the emulator knows: its access key pair, account, and the KMS actions it may call. */
export interface EmulatorIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  /** Default: the emulator's account. */
  accountId?: string;
  /** `"*"` (the default) or a list of actions such as `["kms:ListKeys", "kms:DescribeKey"]`. */
  allowedActions?: "*" | readonly string[];
  /** Names the principal in AccessDeniedException messages (`arn:aws:iam::<account>:user/<userName>`). */
  userName?: string;
}

export type WrappingKeySpecName = "RSA_2048" | "RSA_3072" | "RSA_4096";

export interface AwsKmsEmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Default "us-east-1". */
  region?: string;
  /** Default "111122223333". */
  accountId?: string;
  /** Default: one identity, `EMUKEMULATOR00000001` with a fixed test secret, allowed everything. */
  identities?: EmulatorIdentity[];
  /** The emulator's clock: SigV4 skew, import token expiry, deletion dates, the Date header. Default real time. */
  now?: () => Date;
  /**
   * Wrapping key specs to have a spare pair of before `startAwsKmsEmulator` resolves, e.g.
   * `{ RSA_3072: true }`. Every GetParametersForImport gets a fresh pair, as on AWS; a few spares
   * per spec are generated ahead in the background, so only a burst of imports waits for RSA generation.
   */
  wrappingKeyBits?: Partial<Record<WrappingKeySpecName, true>>;
}

export interface RequestRecord {
  /** The operation named in x-amz-target (`"ListKeys"`), or the raw target if it names none. */
  operation: string;
  /** The access key id the request claimed, verified or not. */
  accessKeyId?: string;
  /** The HTTP status answered; 0 when no answer was sent (a reset or hang fault). */
  status: number;
  /** The AWS error code answered (`__type`), or `"ConnectionReset"` / `"NoResponse"` for reset and hang faults. */
  errorType?: string;
}

export interface AwsKmsEmulator {
  /** `http://127.0.0.1:PORT`. */
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  readonly identities: readonly EmulatorIdentity[];
  /** Adds an identity, or replaces the one with the same access key id. */
  setIdentity(identity: EmulatorIdentity): void;
  readonly faults: { inject(fault: Fault): void; clear(): void };
  readonly inspect: {
    /** Whether the key's current material is exactly these bytes (constant-time). False for no material or an unknown key. */
    keyHoldsMaterial(keyId: string, material: Uint8Array): boolean;
    /**
     * A key check value that identifies the key's material without revealing it: the first 3 bytes,
     * in hex, of HMAC-SHA256 keyed with the material over a block of 16 zero bytes. Undefined when
     * the key has no material or does not exist.
     */
    keyCheckValue(keyId: string): string | undefined;
    /** Every request that reached the emulator, oldest first. */
    requests(): readonly RequestRecord[];
    /** Keys in all accounts, including those pending deletion whose date has not passed. */
    keyCount(): number;
  };
  /** Stops listening and destroys every open connection, including hung requests. */
  close(): Promise<void>;
}

/**
 * A fault applied to matching requests before they are authenticated. `operation` narrows it to
 * one operation (e.g. "ListKeys"; default every operation); `times` is how many matching requests
 * it applies to (default: every one until `clear()`). Latency faults delay a request and let it
 * continue; of the other kinds, the first matching one in injection order decides the answer.
 */
export type Fault =
  | { kind: "latency"; ms: number; operation?: string; times?: number }
  /** 400 ThrottlingException. */
  | { kind: "throttle"; operation?: string; times?: number }
  /** 500 KMSInternalException (default), or 503 DependencyTimeoutException. */
  | { kind: "server_error"; status?: 500 | 503; operation?: string; times?: number }
  /** Destroys the connection without answering. */
  | { kind: "reset"; operation?: string; times?: number }
  /** Never answers; the connection stays open until the client gives up or the emulator closes. */
  | { kind: "hang"; operation?: string; times?: number };
