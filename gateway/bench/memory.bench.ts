/**
 * Memory under sustained load: the gateway's resident size after 1,000 mixed requests and after
 * 100,000 (a trivial query, vaults, a page of keystores with status and properties, `me`),
 * 16 at a time, in one process. What the first thousand requests allocate (caches, JIT code,
 * pools) is the baseline; the rest should not keep growing it.
 */
import { load, startServer } from "./http-support.js";
import { figure, verdict, type BenchOptions } from "./support.js";

export const title = "memory after many requests";

const MIX = [
  "{ __typename }",
  "{ vaults(first: 10) { totalCount nodes { id name } } }",
  "{ keystores(first: 20) { totalCount nodes { id name type groups vault { id name } status { health message } ... on ReferenceKeystore { referenceInstance } } } }",
  "{ me { tokenId name administrator roles { role } } }",
];

export default async function memory({ quick }: BenchOptions): Promise<string[]> {
  const [first, total] = quick ? [300, 2_000] : [1_000, 100_000];
  const server = await startServer("gateway", [2, 100]);
  try {
    let failures = (await load(server, MIX, { connections: 16, amount: first })).failures;
    const early = server.rssMb();
    const started = Date.now();
    failures += (await load(server, MIX, { connections: 16, amount: total - first })).failures;
    const late = server.rssMb();
    if (failures > 0) throw new Error(`${failures} requests failed`);
    const n = (x: number) => x.toLocaleString("en");
    return [
      `gateway RSS under ${n(total)} mixed requests (${MIX.length} kinds, 16 at a time, ${((Date.now() - started) / 1000).toFixed(0)} s), ${process.version}` +
        (quick ? ` (quick: ${n(first)} and ${n(total)} requests instead of 1,000 and 100,000)` : ""),
      `  ${figure(`after ${n(first)}`, early, " MiB", 0)}   ${figure(`after ${n(total)}`, late, " MiB", 0)}   ${verdict(`after ${n(total)} / after ${n(first)}`, late / early, { atMost: 1.2 })}`,
    ];
  } finally {
    await server.stop();
  }
}
