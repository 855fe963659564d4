/**
 * A server for the HTTP benchmarks, run as a child process so that the load generator (in the
 * parent) and the server do not share one event loop: `gateway` (the real gateway over node:http,
 * authenticated as the administrator, optionally seeded with keystores) or `bare` (graphql-yoga
 * answering `{ hello }`, nothing else). It tells the parent its port and token over IPC and stops
 * on SIGTERM (so `--cpu-prof` gets to write its profile).
 *
 *   node --import tsx bench/http-server.ts gateway [vaults] [keystoresPerVault] [keysPerKeystoreVault]
 *   node --import tsx bench/http-server.ts bare
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createSchema, createYoga } from "graphql-yoga";
import referenceConnector from "@uko/connector-reference";
import { seedKeystores, seedManagedKeys } from "../test/harness.js";
import { startBenchGateway } from "./support.js";

export interface ServerReady {
  port: number;
  token: string;
  pid: number;
}

const [kind = "gateway", vaults = "0", perVault = "0", keys = "0"] = process.argv.slice(2);
let server: Server;
let stop: () => Promise<void> = async () => {};
let token = "";

if (kind === "bare") {
  const yoga = createYoga({ schema: createSchema({ typeDefs: "type Query { hello: String }", resolvers: { Query: { hello: () => "world" } } }), logging: false, landingPage: false, graphiql: false });
  server = createServer(yoga);
} else {
  // A per-token limit high enough never to refuse, so that its cost is still paid as in production.
  const bench = await startBenchGateway({ "@uko/connector-reference": referenceConnector }, 1000, { rateLimitPerMinute: 1_000_000_000 });
  const db = bench.gateway.database.db;
  if (Number(vaults) > 0) await seedKeystores(db, Number(vaults), Number(perVault));
  if (Number(keys) > 0) {
    const vault = await db.vault.findFirstOrThrow({ orderBy: { name: "asc" } });
    const keystores = await db.keystore.findMany({ where: { vaultId: vault.id }, select: { id: true, name: true } });
    await seedManagedKeys(db, vault.id, keystores, Number(keys));
  }
  token = bench.adminToken;
  server = createServer(bench.gateway.yoga);
  stop = () => bench.close();
}

server.listen(0, "127.0.0.1", () => {
  const ready: ServerReady = { port: (server.address() as AddressInfo).port, token, pid: process.pid };
  process.send?.(ready);
});
process.once("SIGTERM", () => {
  server.closeAllConnections();
  server.close();
  void stop().finally(() => process.exit(0));
});
