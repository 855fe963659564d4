import { resolve } from "node:path";
import { z } from "zod";

/** Start-up configuration, read from the environment once and validated with clear messages. */
export interface GatewayConfig {
  port: number;
  dataDir: string;
  databaseUrl: string;
  rootKey?: string;
  rootKeyFile?: string;
  /** The bootstrap administrator's token; without it, the first start generates one into the data directory. */
  adminToken?: string;
  connectors: string[];
  healthIntervalSeconds: number;
  /** Seconds between background key sync rounds (0 = off). */
  keySyncIntervalSeconds?: number;
  /** The budget of one connector operation (an install: several remote calls, their retries and waits). */
  connectorTimeoutMs: number;
  /** How long one remote call of a connector may take before it is abandoned (and retried within the operation's budget). */
  connectorCallTimeoutMs?: number;
  /** The background sync's wait after a failed push to a keystore: base and cap of the exponential backoff, in seconds. */
  installBackoffBaseSeconds?: number;
  installBackoffMaxSeconds?: number;
  /** Run each connector package in its own process (default); off imports them into the gateway, for debugging. */
  connectorIsolation?: boolean;
  /** Heap limit of each connector process, in MiB. */
  connectorMemoryMb?: number;
  /** Run queries and mutations compiled by graphql-jit (default); off runs them through graphql-js (jit.ts). */
  graphqlJit?: boolean;
  /** How long a deactivated managed key must stay deactivated before it can be destroyed (UKO: 4 hours). */
  destroyWaitSeconds?: number;
  /** Requests per minute one access token may make (0 = unlimited). */
  rateLimitPerMinute?: number;
  /** Requests per minute one client address may make without a valid token (0 = unlimited). */
  unauthenticatedRateLimitPerMinute?: number;
  /** Header a trusted reverse proxy sets to the client's address (its last entry is used); unset: the socket's peer. */
  trustedProxyHeader?: string;
  /** Seconds over which refused authentications are counted into one audit event per source. */
  authFailureAuditIntervalSeconds?: number;
  /** Concurrent subscription streams one access token may hold open. */
  maxStreamsPerToken?: number;
  /** Origins allowed to call the API from a browser (CORS); empty: same origin only. */
  corsOrigins?: string[];
  /** Longest a request (headers and body) may take to arrive; a body that never completes is cut then. */
  requestTimeoutMs?: number;
  /** Seconds between signed checkpoints of the audit log's head (0 = only at start and stop). */
  auditCheckpointIntervalSeconds?: number;
  /** On SIGTERM: the longest in-flight requests may take to finish before the gateway stops anyway. */
  shutdownTimeoutMs?: number;
  /** How long a claim on a unit of work lasts: when a replica that died held it, how soon another takes over. */
  claimLeaseMs?: number;
  /** Optional JSON file replacing the default price list. */
  priceListFile?: string;
  logLevel: string;
  /** Serves /metrics on the API's port to requests bearing this token. */
  metricsToken?: string;
  /** host:port of a separate listener serving only /metrics (no token needed there unless metricsToken is set). */
  metricsAddress?: { host: string; port: number };
}

/** Loaded when UKO_CONNECTORS is not set: the connectors that ship with the gateway. */
export const BUILT_IN_CONNECTORS: readonly string[] = [
  "@uko/connector-aws-kms",
  "@uko/connector-azure-key-vault",
  "@uko/connector-google-kms",
  "@uko/connector-ibm-kms/key-protect",
  "@uko/connector-ibm-kms/hpcs",
];

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  UKO_DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, "must start with file: (SQLite) or postgresql:// (PostgreSQL)")
    .optional(),
  UKO_ROOT_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, "must be 32 bytes in base64 (44 characters), e.g. from `openssl rand -base64 32`")
    .optional(),
  UKO_ROOT_KEY_FILE: z.string().min(1).optional(),
  UKO_ADMIN_TOKEN: z.string().regex(/^[A-Za-z0-9_-]{32,200}$/, "must be 32 to 200 characters of letters, digits, - and _ (e.g. from `openssl rand -hex 32`)").optional(),
  UKO_CONNECTORS: z.string().optional(),
  UKO_KEY_SYNC_INTERVAL_S: z.coerce.number().int().min(0, "must be 0 (off) or more seconds").max(86_400).default(600),
  UKO_HEALTH_INTERVAL_S: z.coerce.number().int().min(0, "must be 0 (off) or more seconds").max(86_400).default(300),
  UKO_CONNECTOR_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  UKO_CONNECTOR_CALL_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  UKO_INSTALL_BACKOFF_BASE_S: z.coerce.number().int().min(1).max(86_400).default(30),
  UKO_INSTALL_BACKOFF_MAX_S: z.coerce.number().int().min(1).max(7 * 86_400).default(3600),
  UKO_CONNECTOR_ISOLATION: z.enum(["on", "off"], { message: "must be on or off" }).default("on"),
  UKO_GRAPHQL_JIT: z.enum(["on", "off"], { message: "must be on or off" }).default("on"),
  UKO_CONNECTOR_MEMORY_MB: z.coerce.number().int().min(32).max(16_384).default(512),
  UKO_PRICE_LIST_FILE: z.string().min(1).optional(),
  UKO_RATE_LIMIT_PER_MIN: z.coerce.number().int().min(0, "must be 0 (unlimited) or more").max(1_000_000).default(600),
  UKO_UNAUTHENTICATED_RATE_LIMIT_PER_MIN: z.coerce.number().int().min(0, "must be 0 (unlimited) or more").max(1_000_000).default(60),
  UKO_TRUSTED_PROXY_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,100}$/, "must be an HTTP header name, e.g. x-forwarded-for")
    .optional(),
  UKO_AUTH_FAILURE_AUDIT_INTERVAL_S: z.coerce.number().int().min(1).max(86_400).default(60),
  UKO_MAX_STREAMS_PER_TOKEN: z.coerce.number().int().min(1).max(10_000).default(10),
  UKO_CORS_ORIGINS: z
    .string()
    .refine((s) => s.split(",").every((o) => o.trim() === "" || /^https?:\/\/[^/\s]+$/.test(o.trim())), "must be comma-separated origins like https://console.example.com (scheme, host, optional port; no path)")
    .optional(),
  UKO_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  UKO_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
  UKO_CLAIM_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).optional(),
  UKO_AUDIT_CHECKPOINT_INTERVAL_S: z.coerce.number().int().min(0, "must be 0 (only at start and stop) or more seconds").max(86_400).default(60),
  UKO_DESTROY_WAIT_S: z.coerce.number().int().min(0, "must be 0 or more seconds").max(365 * 86_400).default(4 * 3600),
  UKO_METRICS_TOKEN: z.string().regex(/^[A-Za-z0-9_-]{32,200}$/, "must be 32 to 200 characters of letters, digits, - and _ (e.g. from `openssl rand -hex 32`)").optional(),
  UKO_METRICS_ADDRESS: z
    .string()
    .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, "must be host:port, e.g. 127.0.0.1:9464")
    .refine((v) => Number(v.slice(v.lastIndexOf(":") + 1)) <= 65535, "the port must be 0 to 65535")
    .optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  if (e.UKO_ROOT_KEY && e.UKO_ROOT_KEY_FILE) {
    throw new ConfigError("Invalid configuration:\n  set UKO_ROOT_KEY or UKO_ROOT_KEY_FILE, not both");
  }
  // A lease shorter than one operation's budget would hand live work to another replica mid-way.
  if (e.UKO_CLAIM_LEASE_MS !== undefined && e.UKO_CLAIM_LEASE_MS <= e.UKO_CONNECTOR_TIMEOUT_MS) {
    throw new ConfigError(`Invalid configuration:\n  UKO_CLAIM_LEASE_MS: must be longer than UKO_CONNECTOR_TIMEOUT_MS (${e.UKO_CONNECTOR_TIMEOUT_MS})`);
  }
  const dataDir = resolve(e.UKO_DATA_DIR);
  const connectors =
    e.UKO_CONNECTORS === undefined
      ? [...BUILT_IN_CONNECTORS]
      : e.UKO_CONNECTORS.split(",")
          .map((s) => s.trim())
          .filter(Boolean);
  return {
    port: e.PORT,
    dataDir,
    databaseUrl: e.DATABASE_URL ?? `file:${resolve(dataDir, "uko.db")}`,
    rootKey: e.UKO_ROOT_KEY,
    rootKeyFile: e.UKO_ROOT_KEY_FILE,
    adminToken: e.UKO_ADMIN_TOKEN,
    connectors,
    healthIntervalSeconds: e.UKO_HEALTH_INTERVAL_S,
    keySyncIntervalSeconds: e.UKO_KEY_SYNC_INTERVAL_S,
    connectorTimeoutMs: e.UKO_CONNECTOR_TIMEOUT_MS,
    connectorCallTimeoutMs: e.UKO_CONNECTOR_CALL_TIMEOUT_MS,
    connectorIsolation: e.UKO_CONNECTOR_ISOLATION === "on",
    connectorMemoryMb: e.UKO_CONNECTOR_MEMORY_MB,
    graphqlJit: e.UKO_GRAPHQL_JIT === "on",
    destroyWaitSeconds: e.UKO_DESTROY_WAIT_S,
    installBackoffBaseSeconds: e.UKO_INSTALL_BACKOFF_BASE_S,
    installBackoffMaxSeconds: e.UKO_INSTALL_BACKOFF_MAX_S,
    priceListFile: e.UKO_PRICE_LIST_FILE,
    rateLimitPerMinute: e.UKO_RATE_LIMIT_PER_MIN,
    unauthenticatedRateLimitPerMinute: e.UKO_UNAUTHENTICATED_RATE_LIMIT_PER_MIN,
    trustedProxyHeader: e.UKO_TRUSTED_PROXY_HEADER?.toLowerCase(),
    authFailureAuditIntervalSeconds: e.UKO_AUTH_FAILURE_AUDIT_INTERVAL_S,
    maxStreamsPerToken: e.UKO_MAX_STREAMS_PER_TOKEN,
    corsOrigins: (e.UKO_CORS_ORIGINS ?? "")
      .split(",")
      .map((o) => o.trim())
      .filter(Boolean),
    requestTimeoutMs: e.UKO_REQUEST_TIMEOUT_MS,
    shutdownTimeoutMs: e.UKO_SHUTDOWN_TIMEOUT_MS,
    ...(e.UKO_CLAIM_LEASE_MS !== undefined ? { claimLeaseMs: e.UKO_CLAIM_LEASE_MS } : {}),
    auditCheckpointIntervalSeconds: e.UKO_AUDIT_CHECKPOINT_INTERVAL_S,
    logLevel: e.LOG_LEVEL,
    metricsToken: e.UKO_METRICS_TOKEN,
    metricsAddress: e.UKO_METRICS_ADDRESS === undefined ? undefined : hostAndPort(e.UKO_METRICS_ADDRESS),
  };
}

function hostAndPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(":");
  return { host: address.slice(0, at).replace(/^\[(.*)\]$/, "$1"), port: Number(address.slice(at + 1)) };
}
