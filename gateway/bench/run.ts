/**
 * `npm run bench`: every benchmark in turn, each printing its figures with their goals.
 * `npm run bench -- --quick`: few iterations and small data, so CI proves in seconds that each
 * benchmark still runs and reports (no timing is judged); exits non-zero when one breaks.
 * Names select benchmarks: `npm run bench -- activation`.
 */
import { parseArgs } from "node:util";
import activation from "./activation.bench.js";
import isolationCompare from "./isolation-compare.bench.js";
import keyPage from "./key-page.bench.js";
import keystorePage from "./keystore-page.bench.js";
import memory from "./memory.bench.js";
import polling from "./polling.bench.js";
import throughput from "./throughput.bench.js";
import type { BenchOptions } from "./support.js";

const BENCHMARKS: [name: string, run: (options: BenchOptions) => Promise<string[]>][] = [
  ["throughput", throughput],
  ["keystore-page", keystorePage],
  ["key-page", keyPage],
  ["polling", polling],
  ["memory", memory],
  ["activation", activation],
  ["isolation", isolationCompare],
];

const { values, positionals } = parseArgs({ options: { quick: { type: "boolean", default: false } }, allowPositionals: true, strict: true });
const unknown = positionals.filter((p) => !BENCHMARKS.some(([name]) => name === p));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(", ")}; there are: ${BENCHMARKS.map(([name]) => name).join(", ")}`);
  process.exit(2);
}
const selected = positionals.length > 0 ? BENCHMARKS.filter(([name]) => positionals.includes(name)) : BENCHMARKS;
const options: BenchOptions = { quick: values.quick };
if (options.quick) console.log("quick mode: few iterations and small data; the figures prove the benchmarks run, they measure nothing");

const broken: string[] = [];
for (const [name, run] of selected) {
  const started = Date.now();
  try {
    const lines = await run(options);
    if (lines.length === 0) throw new Error("it reported nothing");
    console.log(lines.join("\n"));
    if (options.quick) console.log(`  (${name}: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    broken.push(name);
    console.error(`benchmark ${name} broke: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}
if (broken.length > 0) {
  console.error(`${broken.length} of ${selected.length} benchmarks broke: ${broken.join(", ")}`);
  process.exit(1);
}
console.log(`${selected.length} benchmark${selected.length === 1 ? "" : "s"} ran`);
