/**
 * A page of 100 keystores with their vaults, groups and status through GraphQL, against reading
 * the same rows straight from SQLite, in the same run. Prints the ratio and the number of SQL
 * statements the GraphQL request cost.
 */
import Database from "better-sqlite3";
import referenceConnector from "@uko/connector-reference";
import type { GatewayConfig } from "../src/config.js";
import { seedKeystores } from "../test/harness.js";
import { costPerCall, figure, startBenchGateway, verdict, type BenchOptions, type RawBaseline } from "./support.js";

export const title = "page of 100 keystores";

export default async function keystorePage({ quick }: BenchOptions): Promise<string[]> {
  const { vaults, gqlMs, sqlMs, gqlCpuMs, sqlCpuMs, statements } = await measureKeystorePage(quick);
  return [
    `page of 100 keystores (of ${(vaults * 100).toLocaleString("en")}), SQLite, ${process.version}`,
    `  elapsed: ${figure("GraphQL request", gqlMs, " ms", 2)}   ${figure("raw SQL", sqlMs, " ms", 2)}   ${verdict("GraphQL / raw SQL", gqlMs / sqlMs, { atMost: 3 })}`,
    `  CPU:     ${figure("GraphQL request", gqlCpuMs, " ms", 2)}   ${figure("raw SQL", sqlCpuMs, " ms", 2)}   ${verdict("GraphQL / raw SQL", gqlCpuMs / sqlCpuMs, { atMost: 3 })}`,
    `  ${figure("SQL statements per GraphQL request", statements, "", 0, "3: count, page with its groups, vaults; the token was verified a moment ago")}`,
  ];
}

/** ms per page through GraphQL and through SQL; `isolation` loads the connector as in production (see startBenchGateway). */
export async function measureKeystorePage(quick: boolean, isolation?: boolean, overrides: Partial<GatewayConfig> = {}): Promise<{ vaults: number; gqlMs: number; sqlMs: number; gqlCpuMs: number; sqlCpuMs: number; statements: number }> {
  const vaults = quick ? 2 : 10;
  const iterations = quick ? 5 : 200;
  const bench = await startBenchGateway({ "@uko/connector-reference": referenceConnector }, 1000, overrides, isolation);
  let closeBaseline: (() => void) | undefined;
  try {
    const { gateway } = bench;
    await seedKeystores(gateway.database.db, vaults, 100);
    const query = JSON.stringify({
      query: `{ keystores(first: 100) { totalCount nodes { id name type groups vault { id name } status { health message } ... on ReferenceKeystore { referenceInstance } } } }`,
    });
    const graphql = async () => {
      const data = await bench.post(query);
      if (data.keystores.nodes.length !== 100) throw new Error(`expected a page of 100 keystores, got ${data.keystores.nodes.length}`);
    };
    const baseline = keystorePageBaseline(bench.file);
    const sql = baseline.run;
    closeBaseline = baseline.close;

    await graphql(); // the first request of a token also records when it was last used
    const before = gateway.database.statements.count;
    await graphql();
    const statements = gateway.database.statements.count - before;
    const gql = await costPerCall(graphql, iterations);
    const rawSql = await costPerCall(sql, iterations);
    return { vaults, gqlMs: gql.ms, sqlMs: rawSql.ms, gqlCpuMs: gql.cpuMs, sqlCpuMs: rawSql.cpuMs, statements };
  } finally {
    closeBaseline?.();
    await bench.close();
  }
}

/** The baseline: the same page and count read with prepared statements, the properties parsed as the API would. */
export function keystorePageBaseline(file: string): RawBaseline {
  const db = new Database(file, { readonly: true });
  const page = db.prepare(
    `SELECT k.id, k.name, k.type, k.health, k.statusMessage, k.properties, v.id AS vid, v.name AS vname,
       (SELECT group_concat(g.name) FROM KeystoreGroup g WHERE g.keystoreId = k.id) AS groups
     FROM Keystore k JOIN Vault v ON v.id = k.vaultId ORDER BY k.name, k.id LIMIT 100`,
  );
  const count = db.prepare(`SELECT count(*) AS n FROM Keystore`);
  return {
    run: async () => {
      const rows = page.all() as { properties: string }[];
      for (const r of rows) JSON.parse(r.properties);
      count.get();
    },
    close: () => db.close(),
  };
}
