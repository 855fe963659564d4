import type { FaultBase, LatencyFault } from "@uko/emulator-kit";

export type Variant = "key_protect" | "hpcs";

/** A service ID's API key and what it may do, per instance (IAM action names, or "*" for the Manager role). */
export interface ApiKeyIdentity {
  readonly apiKey: string;
  readonly iamId: string;
  readonly permissions: Readonly<Record<string, readonly string[] | "*">>;
}

export interface InstanceSpec {
  readonly id: string;
  readonly variant: Variant;
  readonly keyRings?: readonly string[];
}

export type Fault =
  | LatencyFault
  /** 429 Too Many Requests. */
  | (FaultBase & { kind: "throttle" })
  /** 500 (default) or 503. */
  | (FaultBase & { kind: "server_error"; status?: 500 | 503 })
  /** Destroys the connection without answering. */
  | (FaultBase & { kind: "reset" })
  /** Never answers until the emulator closes. */
  | (FaultBase & { kind: "hang" });

export interface RecordedRequest {
  readonly operation: string;
  readonly instanceId?: string;
  readonly status: number;
}

export interface IbmKmsEmulatorOptions {
  readonly port?: number;
  readonly region?: string;
  readonly instances?: readonly InstanceSpec[];
  readonly identities?: readonly ApiKeyIdentity[];
  /** Lifetime of an IAM token (IBM: one hour). */
  readonly tokenLifetimeSeconds?: number;
}
