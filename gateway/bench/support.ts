/**
 * What every benchmark shares: a gateway in process on a fresh SQLite file (with an administrator
 * token, so requests pass access control like a real client's), an authenticated GraphQL call,
 * a timing loop, and one way to print a figure next to its goal.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConnectorDefinition, ConnectorLogger } from "@uko/connector-sdk";
import pino from "pino";
import type { GatewayConfig } from "../src/config.js";
import { ConnectorRegistry, loadConnectors, register } from "../src/connectors/registry.js";
import { createGateway, type Gateway } from "../src/server.js";

/** A connector logger that says nothing. */
export const quiet: ConnectorLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export interface BenchOptions {
  /** Few iterations and small data: proves the benchmark runs and reports, in seconds. */
  quick: boolean;
}

export interface BenchGateway {
  gateway: Gateway;
  dataDir: string;
  /** The administrator's bearer token. */
  adminToken: string;
  /** The SQLite file the gateway uses. */
  file: string;
  /** A request body posted to /graphql as the administrator; throws on top-level errors. */
  post(body: string): Promise<any>;
  gql(query: string, variables?: Record<string, unknown>): Promise<any>;
  close(): Promise<void>;
}

/**
 * A gateway with `connectors` built in. With `isolation` set, the same packages are loaded by name
 * as the gateway loads them in production instead: each in its own process (`true`) or imported
 * (`false`), so that the two can be compared.
 */
export async function startBenchGateway(
  connectors: Record<string, ConnectorDefinition>,
  connectorTimeoutMs = 1000,
  overrides: Partial<GatewayConfig> = {},
  isolation?: boolean,
): Promise<BenchGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), "uko-bench-"));
  const file = join(dataDir, "uko.db");
  const adminToken = `bench-admin-${randomBytes(24).toString("hex")}`;
  const gateway = await createGateway(
    { port: 0, dataDir, databaseUrl: `file:${file}`, rootKey: randomBytes(32).toString("base64"), adminToken, connectors: [], healthIntervalSeconds: 0, connectorTimeoutMs, rateLimitPerMinute: 0, logLevel: "silent", ...overrides },
    {
      registry:
        isolation === undefined
          ? new ConnectorRegistry(Object.entries(connectors).map(([name, definition]) => register(name, definition)))
          : await loadConnectors(Object.keys(connectors), { isolation, logger: quiet }),
      logger: pino({ level: "silent" }),
    },
  );
  const headers = { "content-type": "application/json", authorization: `Bearer ${adminToken}` };
  const post = async (body: string) => {
    const res = await gateway.yoga.fetch("http://localhost/graphql", { method: "POST", headers: { ...headers, "content-length": String(Buffer.byteLength(body)) }, body });
    const json = (await res.json()) as { data?: unknown; errors?: unknown };
    // Say what went wrong (a refused token, a schema change) instead of failing later on `undefined`.
    if (res.status !== 200 || json.errors || !json.data) throw new Error(`GraphQL request failed (HTTP ${res.status}): ${JSON.stringify(json.errors ?? json)}`);
    return json.data;
  };
  return {
    gateway,
    dataDir,
    adminToken,
    file,
    post,
    gql: (query, variables = {}) => post(JSON.stringify({ query, variables })),
    async close() {
      await gateway.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Milliseconds per call of `fn`, after a warm-up: elapsed, and the CPU this process spent (user +
 * system). On a shared, loaded machine elapsed time measures the other work as much as this one;
 * the CPU time is what a call costs, so the page benchmarks judge their ratios by it too.
 */
export async function costPerCall(fn: () => Promise<unknown>, iterations: number, warmUp = Math.min(20, iterations)): Promise<{ ms: number; cpuMs: number }> {
  for (let i = 0; i < warmUp; i++) await fn();
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6 / iterations;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000 / iterations };
}

/** Elapsed milliseconds per call of `fn`, after a warm-up. */
export async function msPerCall(fn: () => Promise<unknown>, iterations: number, warmUp = Math.min(20, iterations)): Promise<number> {
  return (await costPerCall(fn, iterations, warmUp)).ms;
}

/** One figure, with its goal when it has one; a figure that is not a finite number is a broken benchmark. */
export function figure(label: string, value: number, unit: string, digits: number, goal?: string): string {
  if (!Number.isFinite(value)) throw new Error(`${label}: not a number (${value})`);
  return `${label}: ${value.toFixed(digits)}${unit}${goal ? ` (goal ${goal})` : ""}`;
}

/**
 * A ratio next to its goal and whether it was met: `ratio 2.10x (goal ≤ 3x): met` or
 * `... missed by 0.40x`. `at most` goals are ceilings, `at least` goals floors.
 */
export function verdict(label: string, ratio: number, goal: { atMost: number } | { atLeast: number }, digits = 2): string {
  if (!Number.isFinite(ratio)) throw new Error(`${label}: not a number (${ratio})`);
  const [bound, met, sign] = "atMost" in goal ? [goal.atMost, ratio <= goal.atMost, "≤"] : [goal.atLeast, ratio >= goal.atLeast, "≥"];
  return `${label}: ${ratio.toFixed(digits)}x (goal ${sign} ${bound}x): ${met ? "met" : `missed by ${Math.abs(ratio - bound).toFixed(digits)}x`}`;
}

/** Resident memory of a process now, in MiB (Linux). */
export function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN) / 1024;
}

/** A page read straight from SQLite with prepared statements, the baseline of a page benchmark. */
export interface RawBaseline {
  run(): Promise<void>;
  close(): void;
}
