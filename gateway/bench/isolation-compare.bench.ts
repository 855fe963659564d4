/**
 * Connector isolation (UKO_CONNECTOR_ISOLATION) on against off, in the same run: the activation
 * benchmark's 5-keystores/1 ratio and the page of 100 keystores, each with the connector package
 * loaded as the gateway loads it in production, imported or in its own process. Isolation should
 * cost at most 5 %. The standalone isolation.bench.ts has the per-call and start-up details.
 */
import { measureActivation } from "./activation.bench.js";
import { measureKeystorePage } from "./keystore-page.bench.js";
import { figure, verdict, type BenchOptions } from "./support.js";

export const title = "connector isolation on against off";

export default async function isolationCompare({ quick }: BenchOptions): Promise<string[]> {
  if (quick) return ["connector isolation on against off: skipped in quick mode (it starts connector processes and repeats two benchmarks twice; run it in full mode)"];
  const off = { activation: await measureActivation(false, false), page: await measureKeystorePage(false, false) };
  const on = { activation: await measureActivation(false, true), page: await measureKeystorePage(false, true) };
  const ratio = (m: typeof on) => m.activation.five.ms / m.activation.one.ms;
  return [
    `connector isolation on against off (UKO_CONNECTOR_ISOLATION), connectors loaded by package name, ${process.version}`,
    `  activation 5 keystores / 1: ${figure("off", ratio(off), "x", 2)}   ${figure("on", ratio(on), "x", 2)}   ${verdict("on / off", ratio(on) / ratio(off), { atMost: 1.05 })}`,
    `  activation in 1 keystore: ${figure("off", off.activation.one.ms, " ms", 0)}   ${figure("on", on.activation.one.ms, " ms", 0)}   ${verdict("on / off", on.activation.one.ms / off.activation.one.ms, { atMost: 1.05 })}`,
    // The page calls no connector: the gateway's own CPU per page is what isolation could change; elapsed time is shown too.
    `  page of 100 keystores, elapsed: ${figure("off", off.page.gqlMs, " ms", 2)}   ${figure("on", on.page.gqlMs, " ms", 2)}   (${(on.page.gqlMs / off.page.gqlMs).toFixed(2)}x)`,
    `  page of 100 keystores, CPU: ${figure("off", off.page.gqlCpuMs, " ms", 2)}   ${figure("on", on.page.gqlCpuMs, " ms", 2)}   ${verdict("on / off", on.page.gqlCpuMs / off.page.gqlCpuMs, { atMost: 1.05 })}`,
  ];
}
