import { createServer, Socket as NetSocket, type Server, type Socket } from "node:net";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it, vi } from "vitest";
import { register } from "../src/connectors/registry.js";
import { createDb } from "../src/db/client.js";
import { gated, newGate } from "./gated-connector.js";
import { postgresUnavailable, startTestGateway, type TestGateway } from "./harness.js";
import { CREATE_KEY, createTemplate, lifecycle } from "./keys-fixture.js";
import { subscribeSse } from "./sse.js";

/**
 * Graceful shutdown (SIGTERM runs Gateway.shutdown): /readyz turns unready at once, streams end with
 * a reason, an in-flight request finishes (within a bound), and the claims the replica holds are
 * given back. A replica that loses its database is unready until the database is back, by itself.
 */
const CONNECT = `mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { __typename } }`;
const readyz = async (t: TestGateway) => {
  const response = await t.fetch("/readyz");
  return { status: response.status, body: (await response.json()) as { status: string } };
};

async function gatewayWithKey(gate: () => ReturnType<typeof newGate>, overrides = {}) {
  const t = await startTestGateway("sqlite", overrides, { connectors: [register("@uko/connector-reference", gated(gate))] });
  const vaultId = (await t.gql(`mutation { createVault(input: { name: "shutdown" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault.id;
  await t.gql(CONNECT, { input: { vaultId, name: "ks", groups: ["prod"], properties: { reference: { referenceInstance: `shutdown-${randomUUID()}`, referenceApiKey: "reference-key-1" } } } });
  const templateId = await createTemplate(t, { vaultId, name: "tpl", type: "reference", group: "prod" });
  const key = (await t.gql(CREATE_KEY, { input: { vaultId, templateId, label: "draining", namingValues: [{ name: "app", value: "draining" }] } })).data.createManagedKey.managedKey;
  return { t, vaultId, key };
}

describe("graceful shutdown", () => {
  it("turns unready, ends streams with a reason, lets the in-flight activation finish, then releases its claims", async () => {
    const gate = newGate();
    const { t, vaultId, key } = await gatewayWithKey(() => gate);
    try {
      expect(await readyz(t)).toMatchObject({ status: 200, body: { status: "ready" } });
      const sub = await subscribeSse(t, t.config.adminToken!, `subscription($v: ID!) { managedKeyChanged(vaultId: $v) { id } }`, { v: vaultId });
      gate.holdNext = true;
      const activation = t.gql(lifecycle("activate"), { input: { id: key.id, expectedVersion: key.version } });
      await gate.entered;
      expect(t.gateway.readiness.requestsInFlight).toBe(1);

      let finished = false;
      const shutdown = t.gateway.shutdown(30_000).then(() => (finished = true));
      expect(await readyz(t)).toMatchObject({ status: 503, body: { status: "shutting down" } });
      expect(await sub.next()).toMatchObject({ errors: [{ message: expect.stringContaining("shutting down"), extensions: { code: "SHUTTING_DOWN" } }] });
      expect(await sub.next()).toBe("ended");
      // The activation holds its key and keystore, and the shutdown waits for it.
      expect((await t.gateway.database.db.keyInstance.findFirstOrThrow({ where: { managedKeyId: key.id } })).claimedBy).not.toBeNull();
      expect(finished).toBe(false);

      gate.release();
      const activated = (await activation).data.activateManagedKey.managedKey;
      expect(activated.statusInKeystores[0]).toMatchObject({ status: "ACTIVE", syncFlag: "OK" });
      await shutdown;
      const after = createDb(t.config.databaseUrl).db;
      expect(await after.keyInstance.count({ where: { claimedBy: { not: null } } })).toBe(0);
      await after.$disconnect();
    } finally {
      gate.release();
      await t.close();
    }
  });

  it("stops waiting for a request that does not finish within the timeout, and gives back the claim it held", async () => {
    const gate = newGate();
    const { t, key } = await gatewayWithKey(() => gate);
    try {
      gate.holdNext = true;
      const activation = t.gql(lifecycle("activate"), { input: { id: key.id, expectedVersion: key.version } }).catch(() => undefined);
      await gate.entered;
      const started = Date.now();
      await t.gateway.shutdown(300);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(t.logs.join("")).toContain("requests still running when the shutdown timeout passed");
      const after = createDb(t.config.databaseUrl).db;
      // Another replica may take the key over at once, not only when the lease runs out.
      expect(await after.keyInstance.count({ where: { claimedBy: { not: null } } })).toBe(0);
      await after.$disconnect();
      gate.release();
      await activation;
    } finally {
      gate.release();
      await t.close();
    }
  });
});

const unavailable = await postgresUnavailable();

describe.skipIf(unavailable !== undefined)(`readiness follows the database${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  const name = `uko_test_${randomUUID().replace(/-/g, "")}`;
  const base = new URL(process.env.TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
  let proxy: { server: Server; sockets: Set<Socket>; port: number } | undefined;
  let t: TestGateway | undefined;

  /** A TCP relay to PostgreSQL that the test can cut and restore, as a network or failover would. */
  async function relay(port = 0) {
    const sockets = new Set<Socket>();
    const server = createServer((client) => {
      const upstream = new NetSocket();
      sockets.add(client).add(upstream);
      upstream.connect(Number(base.port || 5432), base.hostname);
      client.pipe(upstream).pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on("error", drop).on("close", drop);
      upstream.on("error", drop).on("close", drop);
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    return { server, sockets, port: (server.address() as { port: number }).port };
  }

  afterAll(async () => {
    await t?.close();
    proxy?.server.close();
    const admin = new pg.Client({ connectionString: base.toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it("is unready while the database is unreachable and ready again, by itself, once it is back", async () => {
    const admin = new pg.Client({ connectionString: base.toString() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    proxy = await relay();
    const url = new URL(base.toString());
    url.port = String(proxy.port);
    url.pathname = `/${name}`;
    t = await startTestGateway("sqlite", { databaseUrl: url.toString() });
    expect(await readyz(t)).toMatchObject({ status: 200, body: { status: "ready", events: "listening" } });

    // The database goes away: every connection cut, no new one accepted.
    const port = proxy.port;
    await new Promise<void>((resolve) => {
      proxy!.server.close(() => resolve());
      for (const socket of proxy!.sockets) socket.destroy();
    });
    await vi.waitFor(async () => expect(await readyz(t!)).toMatchObject({ status: 503, body: { status: "database unreachable" } }), { timeout: 10_000, interval: 200 });

    // Back on the same address: ready again with no restart, and events heard again.
    proxy = await relay(port);
    await vi.waitFor(async () => expect(await readyz(t!)).toMatchObject({ status: 200, body: { status: "ready", events: "listening" } }), { timeout: 20_000, interval: 250 });
  }, 60_000);
});
