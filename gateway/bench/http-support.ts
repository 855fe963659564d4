/**
 * The parent side of the HTTP benchmarks: starts a benchmark server (http-server.ts) in a child
 * process and drives load at it with autocannon from this one.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
// autocannon ships no types; the little used here is typed below.
// @ts-expect-error no declaration file
import autocannon from "autocannon";
import type { ServerReady } from "./http-server.js";
import { rssMb } from "./support.js";

export interface BenchServer extends ServerReady {
  url: string;
  /** Resident memory of the server process now, in MiB. */
  rssMb(): number;
  stop(): Promise<void>;
}

/** Starts `http-server.ts <kind> ...args` with `nodeArgs` (e.g. --cpu-prof) and waits until it listens. */
export async function startServer(kind: "gateway" | "bare", args: (string | number)[] = [], nodeArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<BenchServer> {
  const child: ChildProcess = fork(fileURLToPath(new URL("./http-server.ts", import.meta.url)), [kind, ...args.map(String)], {
    execArgv: ["--import", "tsx", ...nodeArgs],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: { ...process.env, ...env },
  });
  const ready = await new Promise<ServerReady>((resolve, reject) => {
    child.once("message", (m) => resolve(m as ServerReady));
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the ${kind} benchmark server exited (${code}) before listening`)));
  });
  child.removeAllListeners("exit");
  return {
    ...ready,
    url: `http://127.0.0.1:${ready.port}/graphql`,
    rssMb: () => rssMb(ready.pid),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export interface LoadResult {
  requestsPerSecond: number;
  /** Latency percentiles in ms. */
  p50: number;
  p99: number;
  requests: number;
  /** Non-2xx answers, errors and timeouts. */
  failures: number;
}

/**
 * POSTs `query` (or each of several in turn) to the server as its token's bearer, `connections`
 * at a time, for `seconds` (or `amount` requests).
 */
export async function load(server: BenchServer, query: string | string[], o: { connections: number; seconds?: number; amount?: number }): Promise<LoadResult> {
  const queries = typeof query === "string" ? [query] : query;
  const result = await autocannon({
    url: server.url,
    method: "POST",
    connections: o.connections,
    ...(o.amount ? { amount: o.amount } : { duration: o.seconds ?? 5 }),
    headers: { "content-type": "application/json", ...(server.token ? { authorization: `Bearer ${server.token}` } : {}) },
    requests: queries.map((q) => ({ method: "POST", body: JSON.stringify({ query: q }) })),
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}
