/**
 * The CPU cost of the two list pages, graphql-jit on against off, in one process:
 * `npx tsx bench/pages-cpu.ts [rounds] [per round]`. Each setting has its own gateway on the
 * same seeded data; the settings take turns in short batches (and raw SQL with them), so a
 * change of the machine's load hits both alike: on this shared machine a whole benchmark run
 * of one setting and then another differs by more than what is compared. Prints the median CPU
 * per request over the rounds. Not part of `npm run bench`; see docs/performance.md.
 */
import referenceConnector from "@uko/connector-reference";
import { seedKeystores, seedManagedKeys } from "../test/harness.js";
import { keystorePageBaseline } from "./keystore-page.bench.js";
import { keyPageBaseline } from "./key-page.bench.js";
import { costPerCall, startBenchGateway, type BenchGateway } from "./support.js";

const rounds = Number(process.argv[2] ?? 10);
const perRound = Number(process.argv[3] ?? 40);
const KEYSTORES = `{ keystores(first: 100) { totalCount nodes { id name type groups vault { id name } status { health message } ... on ReferenceKeystore { referenceInstance } } } }`;
const KEYS = `query($v: ID!) { managedKeys(first: 100, filter: { vaultId: $v }) { totalCount nodes { id label state usable aligned
  verificationPattern { value } statusInKeystores { status syncFlag detail keystore { name } } } } }`;

async function keystoreGateway(graphqlJit: boolean) {
  const bench = await startBenchGateway({ "@uko/connector-reference": referenceConnector }, 1000, { graphqlJit });
  await seedKeystores(bench.gateway.database.db, 10, 100);
  const body = JSON.stringify({ query: KEYSTORES });
  return { bench, page: () => bench.post(body) };
}

async function keyGateway(graphqlJit: boolean) {
  const bench = await startBenchGateway({ "@uko/connector-reference": referenceConnector }, 1000, { graphqlJit });
  const db = bench.gateway.database.db;
  await seedKeystores(db, 2, 2);
  const [mine] = await db.vault.findMany({ orderBy: { name: "asc" } });
  await seedManagedKeys(db, mine!.id, await db.keystore.findMany({ where: { vaultId: mine!.id }, select: { id: true, name: true } }), 2_000);
  const body = JSON.stringify({ query: KEYS, variables: { v: mine!.id } });
  return { bench, page: () => bench.post(body), vaultId: mine!.id };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const gateways: BenchGateway[] = [];
try {
  const ks = { on: await keystoreGateway(true), off: await keystoreGateway(false) };
  const keys = { on: await keyGateway(true), off: await keyGateway(false) };
  gateways.push(ks.on.bench, ks.off.bench, keys.on.bench, keys.off.bench);
  const ksRaw = keystorePageBaseline(ks.on.bench.file);
  const keysRaw = keyPageBaseline(keys.on.bench.file, keys.on.vaultId);
  const cpu: Record<string, number[]> = {};
  const take = async (name: string, fn: () => Promise<unknown>) => (cpu[name] ??= []).push((await costPerCall(fn, perRound, 5)).cpuMs);
  for (let round = 0; round < rounds; round++) {
    await take("keystore page, jit on", ks.on.page);
    await take("keystore page, jit off", ks.off.page);
    await take("keystore page, raw SQL", ksRaw.run);
    await take("key page, jit on", keys.on.page);
    await take("key page, jit off", keys.off.page);
    await take("key page, raw SQL", keysRaw.run);
  }
  ksRaw.close();
  keysRaw.close();
  const m = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, median(v)]));
  for (const page of ["keystore page", "key page"]) {
    const raw = m[`${page}, raw SQL`]!;
    const on = m[`${page}, jit on`]!;
    const off = m[`${page}, jit off`]!;
    console.log(`${page} CPU per request, median of ${rounds} × ${perRound}: jit on ${on.toFixed(2)} ms (${(on / raw).toFixed(2)}x raw)   jit off ${off.toFixed(2)} ms (${(off / raw).toFixed(2)}x raw)   raw SQL ${raw.toFixed(2)} ms   on / off ${(on / off).toFixed(2)}`);
  }
} finally {
  for (const g of gateways) await g.close();
}
