/**
 * `npm run bench`: what running connectors in their own processes costs, against importing them
 * into the gateway, in the same run. Startup: loading a package in-process, in a child process
 * (as the gateway does, and bare, as a compiled gateway would), and in a worker thread (the
 * alternative). Per call: connect + test + close of the reference connector through `withSession`,
 * sequential and 16 at a time. Memory: resident size of one connector process and of one worker.
 */
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { withSession } from "../src/connectors/invoke.js";
import { loadConnector, type LoadedConnector } from "../src/connectors/registry.js";
import { quiet, rssMb } from "./support.js";

const PACKAGE = "@uko/connector-reference";
const CALLS = 400;
const CONCURRENCY = 16;
const ROUNDS = 3;
const properties = { reference_instance: "bench", reference_location: "local", reference_api_key: "bench-api-key-000", reference_simulate: "none", reference_latency_ms: 0 };

const ms = (n: number) => `${n.toFixed(1)} ms`;
const us = (n: number) => `${(n * 1000).toFixed(0)} µs`;

async function time<T>(work: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const value = await work();
  return [performance.now() - started, value];
}

/** A bare `node` child that imports the package and says so: the spawn cost without tsx. */
function bareChild(): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["--input-type=module", "-e", `await import(${JSON.stringify(PACKAGE)}); process.send("ready"); process.disconnect();`], {
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    child.once("message", () => resolve(performance.now() - started));
    child.once("error", reject);
  });
}

function worker(): Promise<{ ms: number; rssDeltaMb: number; worker: Worker }> {
  const before = rssMb(process.pid);
  const started = performance.now();
  const w = new Worker(`import(${JSON.stringify(PACKAGE)}).then(() => require("node:worker_threads").parentPort.postMessage("ready"));`, { eval: true });
  return new Promise((resolve, reject) => {
    w.once("message", () => resolve({ ms: performance.now() - started, rssDeltaMb: rssMb(process.pid) - before, worker: w }));
    w.once("error", reject);
  });
}

/** ms per call: `CALLS` calls, one after the other or `CONCURRENCY` at a time. */
async function perCall(connector: LoadedConnector, concurrency: number): Promise<number> {
  const one = () => withSession(connector, properties, ["bench-api-key-000"], { timeoutMs: 10_000, logger: quiet }, (session, host) => session.test(host));
  const [elapsed] = await time(async () => {
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next++ < CALLS) await one();
    }));
  });
  return elapsed / CALLS;
}

/** The best of ROUNDS, the two paths taking turns, so a busy machine weighs on both alike. */
async function compare(concurrency: number): Promise<{ local: number; remote: number }> {
  const local: number[] = [];
  const remote: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    local.push(await perCall(inProcess, concurrency));
    remote.push(await perCall(isolated, concurrency));
  }
  return { local: Math.min(...local), remote: Math.min(...remote) };
}

const [inProcessLoad, inProcess] = await time(() => loadConnector(PACKAGE, { isolation: false }));
const [isolatedLoad, isolated] = await time(() => loadConnector(PACKAGE, { logger: quiet }));
const bare = await bareChild();
const threaded = await worker();
const childRss = rssMb(isolated.pid!);

await compare(CONCURRENCY); // warm up both paths
const sequential = await compare(1);
const concurrent = await compare(CONCURRENCY);
await isolated.close();
await threaded.worker.terminate();

console.log(`connector isolation (${PACKAGE}), one run:`);
console.log(`  startup    in-process import ${ms(inProcessLoad)} | child process as the gateway loads it ${ms(isolatedLoad)} | bare node child ${ms(bare)} | worker thread ${ms(threaded.ms)}`);
console.log(`  memory     child process RSS ${childRss.toFixed(0)} MiB | worker thread adds ~${threaded.rssDeltaMb.toFixed(0)} MiB to the gateway`);
console.log(`  per call   one at a time: ${us(sequential.local)} in-process, ${us(sequential.remote)} isolated, ratio ${(sequential.remote / sequential.local).toFixed(2)} (+${us(sequential.remote - sequential.local)} per connect+test+close)`);
console.log(`             ${CONCURRENCY} at a time: ${us(concurrent.local)} in-process, ${us(concurrent.remote)} isolated, ratio ${(concurrent.remote / concurrent.local).toFixed(2)}`);
