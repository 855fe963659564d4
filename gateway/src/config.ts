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
  /** Longest a single connector call may take. */
  connectorTimeoutMs: number;
  /** Run each connector package in its own process (default); off imports them into the gateway, for debugging. */
  connectorIsolation?: boolean;
  /** Heap limit of each connector process, in MiB. */
  connectorMemoryMb?: number;
  /** How long a deactivated managed key must stay deactivated before it can be destroyed (UKO: 4 hours). */
  destroyWaitSeconds?: number;
  /** Requests per minute one access token may make (0 = unlimited). */
  rateLimitPerMinute?: number;
  /** Optional JSON file replacing the default price list. */
  priceListFile?: string;
  logLevel: string;
}

/** Loaded when UKO_CONNECTORS is not set: the connectors that ship with the gateway. */
export const BUILT_IN_CONNECTORS: readonly string[] = ["@uko/connector-aws-kms"];

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
  UKO_CONNECTOR_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  UKO_CONNECTOR_ISOLATION: z.enum(["on", "off"], { message: "must be on or off" }).default("on"),
  UKO_CONNECTOR_MEMORY_MB: z.coerce.number().int().min(32).max(16_384).default(512),
  UKO_PRICE_LIST_FILE: z.string().min(1).optional(),
  UKO_RATE_LIMIT_PER_MIN: z.coerce.number().int().min(0, "must be 0 (unlimited) or more").max(1_000_000).default(600),
  UKO_DESTROY_WAIT_S: z.coerce.number().int().min(0, "must be 0 or more seconds").max(365 * 86_400).default(4 * 3600),
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
    connectorIsolation: e.UKO_CONNECTOR_ISOLATION === "on",
    connectorMemoryMb: e.UKO_CONNECTOR_MEMORY_MB,
    destroyWaitSeconds: e.UKO_DESTROY_WAIT_S,
    priceListFile: e.UKO_PRICE_LIST_FILE,
    rateLimitPerMinute: e.UKO_RATE_LIMIT_PER_MIN,
    logLevel: e.LOG_LEVEL,
  };
}
