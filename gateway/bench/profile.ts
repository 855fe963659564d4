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
import { printProfileSummary, type CpuProfile } from "./profile-summary.js";

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

const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"))!;
printProfileSummary(JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile, which, Number(top));
