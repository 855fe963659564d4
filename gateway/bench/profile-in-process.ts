/**
 * Where a list page's CPU goes, without the HTTP layer and without the process's start-up in the
 * samples (profile.ts has both): seeds a gateway in this process as the page benchmarks do, warms
 * up, then profiles `requests` pages through `yoga.fetch` with the inspector and prints the
 * functions with the most self time and the same summed by package.
 *
 *   npx tsx bench/profile-in-process.ts keys|keystores [requests] [top]
 *
 * Code graphql-jit compiled has no file: it shows as `(no file: compiled by graphql-jit)`
 * (its functions are named `…MapHandler`, `…Resolver`); `all`, `Statement` are better-sqlite3's
 * native reading and preparing. Not part of `npm run bench`; see docs/performance.md.
 */
import { Session } from "node:inspector/promises";
import referenceConnector from "@uko/connector-reference";
import { seedKeystores, seedManagedKeys } from "../test/harness.js";
import { startBenchGateway } from "./support.js";
import { printProfileSummary, type CpuProfile } from "./profile-summary.js";

const [which = "keys", requests = "400", top = "25"] = process.argv.slice(2);
const bench = await startBenchGateway({ "@uko/connector-reference": referenceConnector });
const db = bench.gateway.database.db;
let body: string;
if (which === "keys") {
  await seedKeystores(db, 2, 2);
  const [mine] = await db.vault.findMany({ orderBy: { name: "asc" } });
  await seedManagedKeys(db, mine!.id, await db.keystore.findMany({ where: { vaultId: mine!.id }, select: { id: true, name: true } }), 2_000);
  body = JSON.stringify({
    query: `query($v: ID!) { managedKeys(first: 100, filter: { vaultId: $v }) { totalCount nodes { id label state usable aligned verificationPattern { value } statusInKeystores { status syncFlag detail keystore { name } } } } }`,
    variables: { v: mine!.id },
  });
} else if (which === "keystores") {
  await seedKeystores(db, 10, 100);
  body = JSON.stringify({ query: `{ keystores(first: 100) { totalCount nodes { id name type groups vault { id name } status { health message } ... on ReferenceKeystore { referenceInstance } } } }` });
} else {
  throw new Error(`unknown page ${which}: keys or keystores`);
}
for (let i = 0; i < 50; i++) await bench.post(body);
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.start");
for (let i = 0; i < Number(requests); i++) await bench.post(body);
const { profile } = await session.post("Profiler.stop");
await bench.close();

printProfileSummary(profile as CpuProfile, `${which}: ${requests} pages`, Number(top));
