/**
 * The CPU ratios of the two list-page benchmarks only, repeated: `npx tsx bench/pages-cpu.ts [rounds]`.
 * For before/after comparisons on a loaded machine, where CPU time per request is steadier than
 * elapsed time; skips the key page's 200,000-key seeding (minutes) that `npm run bench` does.
 * Not part of `npm run bench`; see docs/performance.md.
 */
import referenceConnector from "@uko/connector-reference";
import { measureKeyPage } from "./key-page.bench.js";
import { measureKeystorePage } from "./keystore-page.bench.js";
import { startBenchGateway } from "./support.js";

const rounds = Number(process.argv[2] ?? 2);
const ms = (x: number) => x.toFixed(2);
for (let round = 1; round <= rounds; round++) {
  const ks = await measureKeystorePage(false);
  console.log(`round ${round} keystore page CPU: ${ms(ks.gqlCpuMs)} vs ${ms(ks.sqlCpuMs)} ms raw: ${(ks.gqlCpuMs / ks.sqlCpuMs).toFixed(2)}x (elapsed ${ms(ks.gqlMs)} vs ${ms(ks.sqlMs)} ms), ${ks.statements} statements`);
  const bench = await startBenchGateway({ "@uko/connector-reference": referenceConnector });
  try {
    const { smallCost, sqlCost } = await measureKeyPage(bench, 2_000, 200);
    console.log(`round ${round} key page CPU: ${ms(smallCost.cpuMs)} vs ${ms(sqlCost.cpuMs)} ms raw: ${(smallCost.cpuMs / sqlCost.cpuMs).toFixed(2)}x (elapsed ${ms(smallCost.ms)} vs ${ms(sqlCost.ms)} ms)`);
  } finally {
    await bench.close();
  }
}
