import type { SettableClock } from "@uko/emulator-kit";

/**
 * The emulator's public types. The connector's tests and the repository's tools depend on these
 * exact shapes; change them only together with those callers.
 */

/** The ten key permissions of a Key Vault access policy that UKO needs (uko-api.md §3). */
export const KEY_PERMISSIONS = ["create", "import", "update", "list", "delete", "get", "recover", "purge", "backup", "restore"] as const;
export type KeyPermission = (typeof KEY_PERMISSIONS)[number];

/** A service principal (app registration) the fake Entra ID knows, with its access policy on the vault. */
export interface EmulatorPrincipal {
  clientId: string;
  clientSecret: string;
  /** The directory the app lives in. Default: the emulator's tenant (the vault's). */
  tenantId?: string;
  /** Key permissions granted by the vault's access policy: `"*"` (the default) or a list. */
  permissions?: "*" | readonly KeyPermission[];
}

export type VaultSku = "premium" | "standard";

export interface AzureKeyVaultEmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** The vault's directory. Default DEFAULT_TENANT_ID. */
  tenantId?: string;
  /** Default "uko-emulator". */
  vaultName?: string;
  /** Default "premium". A standard vault refuses HSM-protected keys, as Azure does. */
  sku?: VaultSku;
  /** The vault's soft-delete retention, 7 to 90 days as in Azure. Default 90. */
  softDeleteRetentionDays?: number;
  /** Default: one principal, DEFAULT_PRINCIPAL, allowed every key permission. */
  principals?: EmulatorPrincipal[];
  /** The emulator's time: token expiry, deletion and purge dates. Default a fresh SettableClock (real time). */
  clock?: SettableClock;
  /** Lifetime of issued access tokens. Default 3599 s, like Entra. */
  tokenLifetimeSeconds?: number;
}

export interface RequestRecord {
  /** `token`, `discovery`, or the Key Vault operation (`createKey`, `importKey`, `getKey`, ...). */
  operation: string;
  /** The client id the request was made for (token requests) or carried in its token. */
  clientId?: string;
  /** The HTTP status answered; 0 when no answer was sent (a reset or hang fault). */
  status: number;
  /** The error code answered (`KeyNotFound`, `Forbidden`, `invalid_client`, ...), or `ConnectionReset` / `NoResponse`. */
  errorCode?: string;
}

export interface KeyVersionInfo {
  version: string;
  kty: string;
  enabled: boolean;
  tags: Record<string, string>;
}

export interface AzureKeyVaultEmulator {
  /** The vault URL, `https://127.0.0.1:PORT`. */
  readonly endpoint: string;
  /** The fake Entra ID's authority host (the same server), `https://127.0.0.1:PORT`. */
  readonly authorityHost: string;
  /** The PEM of the CA generated for this run: the only root a client should trust for it. */
  readonly caPem: string;
  readonly tenantId: string;
  readonly vaultName: string;
  readonly sku: VaultSku;
  readonly softDeleteRetentionDays: number;
  readonly principals: readonly EmulatorPrincipal[];
  /** Adds a principal, or replaces the one with the same client id (its access policy included). */
  setPrincipal(principal: EmulatorPrincipal): void;
  readonly clock: SettableClock;
  readonly faults: { inject(fault: Fault): void; clear(): void };
  readonly inspect: {
    /** Whether the key's current version (or `version`) holds exactly this private key (PKCS#8 DER, compared canonically). */
    keyHoldsMaterial(name: string, material: Uint8Array, version?: string): boolean;
    /** The key's versions, oldest first; empty for an unknown (or purged) key. */
    keyVersions(name: string): KeyVersionInfo[];
    /** Whether the key is soft-deleted (recoverable, not yet purged). */
    isDeleted(name: string): boolean;
    /** Every request that reached the emulator, oldest first. */
    requests(): readonly RequestRecord[];
    /** Keys in the vault, soft-deleted ones included. */
    keyCount(): number;
  };
  /** Stops listening and destroys every open connection, including hung requests. */
  close(): Promise<void>;
}

/**
 * A fault applied to matching requests before they are authenticated. `operation` narrows it to one
 * operation (`token`, `getKey`, `getKeys`, ...; default every one); `times` is how many matching
 * requests it applies to (default: every one until `clear()`).
 */
export type Fault =
  | { kind: "latency"; ms: number; operation?: string; times?: number }
  /** 429 Throttled with `Retry-After` (default 1 second). */
  | { kind: "throttle"; retryAfterSeconds?: number; operation?: string; times?: number }
  /** 500 InternalServerError (default) or 503 ServiceUnavailable. */
  | { kind: "server_error"; status?: 500 | 503; operation?: string; times?: number }
  /** Destroys the connection without answering. */
  | { kind: "reset"; operation?: string; times?: number }
  /** Never answers; the connection stays open until the client gives up or the emulator closes. */
  | { kind: "hang"; operation?: string; times?: number };
