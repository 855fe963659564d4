/**
 * A page of 100 managed keys with their status in keystores: through GraphQL against the same
 * rows read straight from SQLite (one prepared statement and a count), and with few and with many
 * keys in the database (2,000 and 200,000), in the same run. Keyset pagination and batched
 * relation reads should keep the second ratio near 1.
 */
import Database from "better-sqlite3";
import referenceConnector from "@uko/connector-reference";
import { seedKeystores, seedManagedKeys } from "../test/harness.js";
import { costPerCall, figure, msPerCall, startBenchGateway, verdict, type BenchGateway, type BenchOptions, type RawBaseline } from "./support.js";

export const title = "page of 100 managed keys";

export default async function keyPage({ quick }: BenchOptions): Promise<string[]> {
  const small = quick ? 200 : 2_000;
  const large = quick ? 2_000 : 200_000;
  const iterations = quick ? 5 : 200;
  const bench = await startBenchGateway({ "@uko/connector-reference": referenceConnector });
  try {
    const { mine, other, page, smallCost, sqlCost } = await measureKeyPage(bench, small, iterations);
    const db = bench.gateway.database.db;
    let seeded = Date.now();
    await seedManagedKeys(db, other.id, await keystoresOf(bench, other.id), large - small);
    seeded = Date.now() - seeded;
    const smallMs = smallCost.ms;
    const largeMs = await msPerCall(page(mine.id), iterations);
    const largeVaultMs = await msPerCall(page(other.id), iterations);
    const n = (x: number) => x.toLocaleString("en");
    return [
      `page of 100 managed keys with status in 2 keystores each, SQLite, ${process.version}`,
      `  elapsed: ${figure(`GraphQL request, ${n(small)} keys in the database`, smallMs, " ms", 2)}   ${figure("raw SQL", sqlCost.ms, " ms", 2)}   ${verdict("GraphQL / raw SQL", smallMs / sqlCost.ms, { atMost: 3 })}`,
      `  CPU:     ${figure(`GraphQL request, ${n(small)} keys in the database`, smallCost.cpuMs, " ms", 2)}   ${figure("raw SQL", sqlCost.cpuMs, " ms", 2)}   ${verdict("GraphQL / raw SQL", smallCost.cpuMs / sqlCost.cpuMs, { atMost: 3 })}`,
      `  ${figure(`${n(small)} keys in the database`, smallMs, " ms", 2)}   ${figure(n(large), largeMs, " ms", 2)}   ${verdict("many keys / few keys", largeMs / smallMs, { atMost: 1.5 })}`,
      `  ${figure(`the same page of a vault that itself holds ${n(large - small)} keys`, largeVaultMs, " ms", 2)} (its totalCount counts them all)`,
      `  (seeding ${n(large - small)} keys took ${(seeded / 1000).toFixed(1)} s)`,
    ];
  } finally {
    await bench.close();
  }
}

const keystoresOf = (bench: BenchGateway, vaultId: string) => bench.gateway.database.db.keystore.findMany({ where: { vaultId }, select: { id: true, name: true } });

/**
 * Seeds two vaults of 2 keystores and `small` keys in the first, then measures a page of its
 * keys through GraphQL and the same page in raw SQL. Also used by pages-cpu.ts, which repeats
 * only this part (the 200,000-key seeding of the full benchmark takes minutes).
 */
export async function measureKeyPage(bench: BenchGateway, small: number, iterations: number) {
  const db = bench.gateway.database.db;
  await seedKeystores(db, 2, 2);
  const [mine, other] = await db.vault.findMany({ orderBy: { name: "asc" } });
  const query = (vaultId: string) =>
    JSON.stringify({
      query: `query($v: ID!) { managedKeys(first: 100, filter: { vaultId: $v }) { totalCount nodes { id label state usable aligned
        verificationPattern { value } statusInKeystores { status syncFlag detail keystore { name } } } } }`,
      variables: { v: vaultId },
    });
  const page = (vaultId: string) => {
    const body = query(vaultId);
    return async () => {
      const data = await bench.post(body);
      if (data.managedKeys.nodes.length !== 100) throw new Error(`expected a page of 100 keys, got ${data.managedKeys.nodes.length}`);
    };
  };
  // The vault being read holds `small` keys throughout; the full benchmark then grows the table through the other vault.
  await seedManagedKeys(db, mine!.id, await keystoresOf(bench, mine!.id), small);
  const smallCost = await costPerCall(page(mine!.id), iterations);
  const sqlCost = await rawSqlPage(bench.file, mine!.id, iterations);
  return { mine: mine!, other: other!, page, smallCost, sqlCost };
}

/**
 * The baseline: the same page (keys of one vault by label, each with its status, sync flag and
 * detail in every keystore and the keystore's name, and its verification value) and the count,
 * read with prepared statements, the JSON columns parsed as the API would.
 */
async function rawSqlPage(file: string, vaultId: string, iterations: number): Promise<{ ms: number; cpuMs: number }> {
  const baseline = keyPageBaseline(file, vaultId);
  try {
    return await costPerCall(baseline.run, iterations);
  } finally {
    baseline.close();
  }
}

export function keyPageBaseline(file: string, vaultId: string): RawBaseline {
  const db = new Database(file, { readonly: true });
  const page = db.prepare(
    `SELECT k.id, k.label, k.state, k.alignedRevision, k.keyVersion,
       (SELECT v.verificationValue FROM ManagedKeyVersion v WHERE v.managedKeyId = k.id AND v.number = k.keyVersion) AS verification,
       (SELECT json_group_array(json_object('status', i.status, 'syncFlag', i.syncFlag, 'detail', i.detail, 'keystore', ks.name))
          FROM KeyInstance i LEFT JOIN Keystore ks ON ks.id = i.keystoreId WHERE i.managedKeyId = k.id) AS instances
     FROM ManagedKey k WHERE k.vaultId = ? ORDER BY k.label, k.id LIMIT 101`,
  );
  const count = db.prepare(`SELECT count(*) AS n FROM ManagedKey WHERE vaultId = ?`);
  return {
    run: async () => {
      const rows = page.all(vaultId) as { verification: string; instances: string }[];
      if (rows.length < 100) throw new Error(`expected a page of 100 keys from SQL, got ${rows.length}`);
      for (const r of rows) {
        JSON.parse(r.verification);
        JSON.parse(r.instances);
      }
      count.get(vaultId);
    },
    close: () => db.close(),
  };
}
