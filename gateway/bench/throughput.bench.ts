/**
 * The cost of a request: a bare graphql-yoga server answering `{ hello }` against the gateway
 * answering `{ __typename }` with a valid token (authentication, rate limit, CSRF and body checks,
 * metrics, request ids), both over HTTP in child processes started in the same run, autocannon in
 * this one. The two take turns, and each keeps its best round, so a busy machine weighs on both.
 */
import { load, startServer, type BenchServer } from "./http-support.js";
import { figure, verdict, type BenchOptions } from "./support.js";

export const title = "trivial authenticated query against bare graphql-yoga";

const CONNECTIONS = 16;

export default async function throughput({ quick }: BenchOptions): Promise<string[]> {
  const rounds = quick ? 1 : 3;
  const seconds = quick ? 2 : 8;
  const servers: BenchServer[] = [];
  try {
    const bare = await startServer("bare");
    servers.push(bare);
    const gateway = await startServer("gateway");
    servers.push(gateway);
    const best = { bare: 0, gateway: 0 };
    let failures = 0;
    await load(bare, "{ hello }", { connections: CONNECTIONS, seconds: 1 }); // warm up both
    await load(gateway, "{ __typename }", { connections: CONNECTIONS, seconds: 1 });
    for (let round = 0; round < rounds; round++) {
      const b = await load(bare, "{ hello }", { connections: CONNECTIONS, seconds });
      const g = await load(gateway, "{ __typename }", { connections: CONNECTIONS, seconds });
      best.bare = Math.max(best.bare, b.requestsPerSecond);
      best.gateway = Math.max(best.gateway, g.requestsPerSecond);
      failures += b.failures + g.failures;
    }
    if (failures > 0) throw new Error(`${failures} requests failed`);
    return [
      `trivial request over HTTP, ${CONNECTIONS} connections, best of ${rounds} × ${seconds} s each, taking turns, ${process.version}`,
      `  ${figure("bare graphql-yoga { hello }", best.bare, " requests/s", 0)}   ${figure("gateway { __typename } with a valid token", best.gateway, " requests/s", 0)}`,
      `  ${verdict("gateway / bare throughput", best.gateway / best.bare, { atLeast: 0.5 })}`,
    ];
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}
