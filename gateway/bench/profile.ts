/**
 * Where a request's time goes: runs the gateway (http-server.ts) under `node --cpu-prof` while
 * autocannon sends one kind of request, then prints the functions with the most self time and
 * the same time summed by package. Not part of `npm run bench`; see docs/performance.md.
 *
 *   npx tsx bench/profile.ts trivial|keystores|keys [seconds] [top]
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { load, startServer } from "./http-support.js";

const QUERIES = {
  trivial: { query: "{ __typename }", seed: [] as number[] },
  keystores: {
    query: `{ keystores(first: 100) { totalCount nodes { id name type groups vault { id name } status { health message } ... on ReferenceKeystore { referenceInstance } } } }`,
    seed: [10, 100],
  },
  keys: {
    query: `{ managedKeys(first: 100) { totalCount nodes { id label state usable aligned verificationPattern { value } statusInKeystores { status syncFlag detail keystore { name } } } } }`,
    seed: [2, 2, 2000],
  },
};

const [which = "trivial", seconds = "10", top = "25"] = process.argv.slice(2);
const chosen = QUERIES[which as keyof typeof QUERIES];
if (!chosen) throw new Error(`unknown load ${which}: trivial, keystores or keys`);
const dir = mkdtempSync(join(tmpdir(), "uko-profile-"));
const server = await startServer("gateway", chosen.seed, ["--cpu-prof", `--cpu-prof-dir=${dir}`]);
await load(server, chosen.query, { connections: 16, seconds: 2 }); // warm up
const result = await load(server, chosen.query, { connections: 16, seconds: Number(seconds) });
await server.stop();
console.log(`${which}: ${result.requestsPerSecond.toFixed(0)} requests/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ${result.failures} failures; profile in ${dir}`);

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"))!;
const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as { nodes: Node[]; samples: number[] };
const total = profile.samples.length;
const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
for (const node of profile.nodes) {
  const hits = node.hitCount ?? 0;
  if (!hits) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url.replace(/^file:\/\//, "").replace(/^.*\/node_modules\//, "").replace(/^.*\/gateway\//, "gateway/");
  const key = `${functionName || "(anonymous)"} ${where ? `${where}:${lineNumber + 1}` : ""}`.trim();
  byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
  const pkg = !url ? functionName : url.includes("/node_modules/") ? (/node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? url) : url.startsWith("node:") ? "node internals" : url.includes("/gateway/src/") ? "gateway/src" : where;
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + hits);
}
const pct = (n: number) => `${((n / total) * 100).toFixed(1).padStart(5)} %`;
console.log(`\nself time by function (top ${top} of ${total} samples):`);
for (const [k, n] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) console.log(`${pct(n)}  ${k}`);
console.log(`\nself time by package:`);
for (const [k, n] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${pct(n)}  ${k}`);
