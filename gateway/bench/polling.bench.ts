/**
 * 200 dashboards polling the keystores list every 5 s (the console's own query and page size)
 * on 200 keystores, each with its own reader token, against one client asking alone: the p99
 * under that load should stay under 3 × the lone client's typical (median) latency, with no
 * error. Bounded: a fixed duration and so a fixed number of requests, loopback only.
 */
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { startServer, type BenchServer } from "./http-support.js";
import { figure, verdict, type BenchOptions } from "./support.js";

export const title = "200 dashboards polling the keystores list";

/** The console's KEYSTORES document (console/src/api/documents.ts), as its list page sends it. */
const KEYSTORES = `query($first: Int, $after: String, $filter: KeystoreFilter) {
  keystores(first: $first, after: $after, filter: $filter) {
    totalCount pageInfo { endCursor hasNextPage } nodes { id name type groups vault { id name } status { health message checkedAt lastHeartbeat } } } }`;
const PAGE_SIZE = 20;

async function post(server: BenchServer, token: string, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const res = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  const json = (await res.json()) as { data?: any; errors?: unknown };
  if (res.status !== 200 || json.errors) throw new Error(`HTTP ${res.status}: ${JSON.stringify(json.errors ?? json)}`);
  return json.data;
}

/** CPU seconds (user + system) a process has used so far (Linux; clock ticks of 1/100 s). */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

export default async function polling({ quick }: BenchOptions): Promise<string[]> {
  const clients = quick ? 20 : 200;
  const intervalMs = quick ? 1000 : 5000;
  const durationMs = quick ? 5000 : 60_000;
  const server = await startServer("gateway", [2, 100]);
  try {
    const vaults = (await post(server, server.token, `{ vaults(first: 10) { nodes { id } } }`)).vaults.nodes as { id: string }[];
    const tokens: string[] = [];
    for (let i = 0; i < clients; i++) {
      const created = await post(server, server.token, `mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { ... on CreateAccessTokenSuccess { created { token } } } }`, {
        input: { name: `dashboard-${i}`, roles: vaults.map((v) => ({ vaultId: v.id, role: "READER" })) },
      });
      tokens.push(created.createAccessToken.created.token);
    }
    const ask = async (token: string) => {
      const data = await post(server, token, KEYSTORES, { first: PAGE_SIZE });
      if (data.keystores.totalCount !== 200 || data.keystores.nodes.length !== PAGE_SIZE) throw new Error(`unexpected page: ${data.keystores.totalCount} keystores, ${data.keystores.nodes.length} rows`);
    };
    const timed = async (token: string) => {
      const started = performance.now();
      await ask(token);
      return performance.now() - started;
    };

    // One client alone, asking as a dashboard does (each request a new poll, a token not seen for a while).
    for (let i = 0; i < 20; i++) await timed(tokens[i % tokens.length]!);
    const alone: number[] = [];
    for (let i = 0; i < 100; i++) alone.push(await timed(tokens[(i * 7) % tokens.length]!));
    alone.sort((a, b) => a - b);
    const single = percentile(alone, 50);

    // Every client polls on its own 5 s cycle, started at a random point of the first one.
    // Who is busy meanwhile: the gateway (its process's CPU), this runner (its CPU, and how late
    // its event loop runs a ready callback: a late loop would add its lateness to every latency).
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const runnerCpu = process.cpuUsage();
    const gatewayCpu = cpuSecondsOf(server.pid);
    const loadStart = loadavg()[0]!;
    const wallStart = performance.now();
    const latencies: number[] = [];
    let errors = 0;
    const until = performance.now() + durationMs;
    await Promise.all(
      tokens.map(async (token) => {
        await new Promise((r) => setTimeout(r, Math.random() * intervalMs));
        while (performance.now() < until) {
          const next = performance.now() + intervalMs;
          try {
            latencies.push(await timed(token));
          } catch {
            errors++;
          }
          await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
        }
      }),
    );
    const wall = (performance.now() - wallStart) / 1000;
    loop.disable();
    const runnerUsed = process.cpuUsage(runnerCpu);
    const runnerShare = (runnerUsed.user + runnerUsed.system) / 1e6 / wall;
    const gatewayUsed = cpuSecondsOf(server.pid) - gatewayCpu;
    latencies.sort((a, b) => a - b);
    const p99 = percentile(latencies, 99);
    return [
      `${clients} dashboards polling the keystores list (first ${PAGE_SIZE} of 200) every ${intervalMs / 1000} s for ${durationMs / 1000} s, each its own reader token, ${process.version}` +
        (quick ? " (quick: 20 clients every second for 5 s)" : ""),
      `  ${figure("one client alone, median", single, " ms", 1)}   ${figure("its p99", percentile(alone, 99), " ms", 1)}   ${figure("under load, p50", percentile(latencies, 50), " ms", 1)}   ${figure("p99", p99, " ms", 1)}   ${latencies.length} requests, ${errors} errors (goal 0)`,
      `  ${verdict("p99 under load / one client alone", p99 / single, { atMost: 3 })}${errors > 0 ? `; ${errors} errors: missed` : ""}`,
      `  during the load: gateway CPU ${((gatewayUsed / wall) * 100).toFixed(0)} % of one core (${((gatewayUsed * 1000) / Math.max(1, latencies.length + errors)).toFixed(1)} ms a request)   ` +
        `runner CPU ${(runnerShare * 100).toFixed(0)} % of one core, its event loop late by p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms   ` +
        `load average ${loadStart.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`,
    ];
  } finally {
    await server.stop();
  }
}
