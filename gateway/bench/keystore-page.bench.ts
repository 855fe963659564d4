/**
 * `npm run bench`: a page of 100 keystores with their vaults, groups and status through GraphQL,
 * against reading the same rows straight from SQLite, in the same run. Prints the ratio and the
 * number of SQL statements the GraphQL request cost.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import referenceConnector from "@uko/connector-reference";
import pino from "pino";
import { ConnectorRegistry, register } from "../src/connectors/registry.js";
import { createGateway } from "../src/server.js";
import { seedKeystores } from "../test/harness.js";

const dataDir = mkdtempSync(join(tmpdir(), "uko-bench-"));
const file = join(dataDir, "uko.db");
const gateway = await createGateway(
  { port: 0, dataDir, databaseUrl: `file:${file}`, rootKey: randomBytes(32).toString("base64"), connectors: [], healthIntervalSeconds: 0, connectorTimeoutMs: 1000, logLevel: "silent" },
  { registry: new ConnectorRegistry([register("@uko/connector-reference", referenceConnector)]), logger: pino({ level: "silent" }) },
);
await seedKeystores(gateway.database.db, 10, 100);

const query = JSON.stringify({
  query: `{ keystores(first: 100) { totalCount nodes { id name type groups vault { id name } status { health message } ... on ReferenceKeystore { referenceInstance } } } }`,
});
const graphql = async () => {
  const res = await gateway.yoga.fetch("http://localhost/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", "content-length": String(query.length) },
    body: query,
  });
  const json = (await res.json()) as { data: { keystores: { nodes: unknown[] } } };
  if (json.data.keystores.nodes.length !== 100) throw new Error("bad page");
};
const raw = new Database(file, { readonly: true });
const page = raw.prepare(
  `SELECT k.id, k.name, k.type, k.health, k.statusMessage, k.properties, v.id AS vid, v.name AS vname,
     (SELECT group_concat(g.name) FROM KeystoreGroup g WHERE g.keystoreId = k.id) AS groups
   FROM Keystore k JOIN Vault v ON v.id = k.vaultId ORDER BY k.name, k.id LIMIT 100`,
);
const count = raw.prepare(`SELECT count(*) AS n FROM Keystore`);
const sql = async () => {
  const rows = page.all() as { properties: string }[];
  for (const r of rows) JSON.parse(r.properties);
  count.get();
};

async function time(fn: () => Promise<void>, iterations: number): Promise<number> {
  for (let i = 0; i < 20; i++) await fn(); // warm up
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn();
  return Number(process.hrtime.bigint() - start) / 1e6 / iterations;
}

const before = gateway.database.statements.count;
await graphql();
const statements = gateway.database.statements.count - before;
const gqlMs = await time(graphql, 200);
const sqlMs = await time(sql, 200);
console.log(`page of 100 keystores (of 1,000), SQLite, ${process.version}`);
console.log(`  GraphQL request: ${gqlMs.toFixed(2)} ms   raw SQL: ${sqlMs.toFixed(2)} ms   ratio: ${(gqlMs / sqlMs).toFixed(1)}x`);
console.log(`  SQL statements per GraphQL request: ${statements}`);
raw.close();
await gateway.close();
rmSync(dataDir, { recursive: true, force: true });
