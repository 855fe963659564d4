/**
 * `npm run bench`: a page of 100 managed keys with their status in keystores, at 2,000 and at
 * 200,000 keys in the database, in the same run. Keyset pagination and batched relation reads
 * should keep the ratio near 1.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import referenceConnector from "@uko/connector-reference";
import pino from "pino";
import { ConnectorRegistry, register } from "../src/connectors/registry.js";
import { createGateway } from "../src/server.js";
import { seedKeystores, seedManagedKeys } from "../test/harness.js";

const SMALL = 2_000;
const LARGE = 200_000;
const dataDir = mkdtempSync(join(tmpdir(), "uko-bench-"));
const gateway = await createGateway(
  { port: 0, dataDir, databaseUrl: `file:${join(dataDir, "uko.db")}`, rootKey: randomBytes(32).toString("base64"), connectors: [], healthIntervalSeconds: 0, connectorTimeoutMs: 1000, logLevel: "silent" },
  { registry: new ConnectorRegistry([register("@uko/connector-reference", referenceConnector)]), logger: pino({ level: "silent" }) },
);
const db = gateway.database.db;
await seedKeystores(db, 2, 2);
const [mine, other] = await db.vault.findMany({ orderBy: { name: "asc" } });
const keystoresOf = (vaultId: string) => db.keystore.findMany({ where: { vaultId }, select: { id: true, name: true } });

const query = (vaultId: string) =>
  JSON.stringify({
    query: `query($v: ID!) { managedKeys(first: 100, filter: { vaultId: $v }) { totalCount nodes { id label state usable aligned
      verificationPattern { value } statusInKeystores { status syncFlag detail keystore { name } } } } }`,
    variables: { v: vaultId },
  });
async function page(body: string) {
  const res = await gateway.yoga.fetch("http://localhost/graphql", { method: "POST", headers: { "content-type": "application/json", "content-length": String(body.length) }, body });
  const json = (await res.json()) as { data: { managedKeys: { nodes: unknown[] } } };
  if (json.data.managedKeys.nodes.length !== 100) throw new Error("bad page");
}
async function time(body: string, iterations: number): Promise<number> {
  for (let i = 0; i < 20; i++) await page(body);
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await page(body);
  return Number(process.hrtime.bigint() - start) / 1e6 / iterations;
}

// The vault being read holds 2,000 keys throughout; the other vault grows the table to 200,000.
await seedManagedKeys(db, mine!.id, await keystoresOf(mine!.id), SMALL);
const small = await time(query(mine!.id), 200);
let seeded = Date.now();
await seedManagedKeys(db, other!.id, await keystoresOf(other!.id), LARGE - SMALL);
seeded = Date.now() - seeded;
const large = await time(query(mine!.id), 200);
const largeVault = await time(query(other!.id), 200);

console.log(`page of 100 managed keys with status in 2 keystores each, SQLite, ${process.version}`);
console.log(`  ${SMALL.toLocaleString("en")} keys in the database: ${small.toFixed(2)} ms   ${LARGE.toLocaleString("en")}: ${large.toFixed(2)} ms   ratio: ${(large / small).toFixed(2)}x (goal ≤ 1.5)`);
console.log(`  the same page of a vault that itself holds ${(LARGE - SMALL).toLocaleString("en")} keys: ${largeVault.toFixed(2)} ms (its totalCount counts them all)`);
console.log(`  (seeding ${(LARGE - SMALL).toLocaleString("en")} keys took ${(seeded / 1000).toFixed(0)} s)`);
await gateway.close();
rmSync(dataDir, { recursive: true, force: true });
