import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { postgresUnavailable, startTestGateway, type TestGateway } from "./harness.js";
import { CREATE_KEY, createTemplate, lifecycle } from "./keys-fixture.js";
import { subscribeSse } from "./sse.js";

/**
 * Two gateways (replicas) on one PostgreSQL database: what one does reaches the other's
 * subscribers through LISTEN/NOTIFY, a token revoked on one ends its streams on the other, and a
 * dropped listen connection comes back by itself.
 */
const unavailable = await postgresUnavailable();

describe.skipIf(unavailable !== undefined)(`events across replicas${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  let a: TestGateway;
  let b: TestGateway;
  let vaultId: string;
  let templateId: string;
  const KEY_SUB = `subscription($v: ID!) { managedKeyChanged(vaultId: $v) { id state } }`;

  beforeAll(async () => {
    a = await startTestGateway("postgresql");
    // The second replica: the same database, root key and administrator, its own process state.
    b = await startTestGateway("postgresql", { databaseUrl: a.config.databaseUrl, rootKey: a.config.rootKey, adminToken: a.config.adminToken });
    vaultId = (await a.gql(`mutation { createVault(input: { name: "replicas" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault.id;
    await a.gql(`mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { __typename } }`, {
      input: { vaultId, name: "ks", groups: ["prod"], properties: { reference: { referenceInstance: `replica-events-${Date.now()}`, referenceApiKey: "reference-key-1" } } },
    });
    templateId = await createTemplate(a, { vaultId, name: "tpl", type: "reference", group: "prod" });
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const activateOnA = async (label: string) => {
    const key = (await a.gql(CREATE_KEY, { input: { vaultId, templateId, label, namingValues: [{ name: "app", value: label.replace(/[^A-Za-z0-9]/g, "") }] } })).data.createManagedKey.managedKey;
    await a.gql(lifecycle("activate"), { input: { id: key.id, expectedVersion: key.version } });
    return key.id as string;
  };

  it("a subscriber on one replica sees a key activated on the other", async () => {
    const sub = await subscribeSse(b, b.config.adminToken!, KEY_SUB, { v: vaultId });
    try {
      const id = await activateOnA("seen-elsewhere");
      expect(await sub.next()).toMatchObject({ data: { managedKeyChanged: { id, state: "ACTIVE" } } });
    } finally {
      sub.close();
    }
  });

  it("a token revoked on one replica ends its stream on the other, with UNAUTHENTICATED", async () => {
    const created = (
      await a.gql(`mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { ... on CreateAccessTokenSuccess { created { token accessToken { id } } } } }`, {
        input: { name: "revoked-elsewhere", roles: [{ vaultId, role: "READER" }] },
      })
    ).data.createAccessToken.created;
    const sub = await subscribeSse(b, created.token, KEY_SUB, { v: vaultId });
    try {
      // The stream is open (an event arrives) before the revocation.
      const id = await activateOnA("before-revocation");
      expect(await sub.next()).toMatchObject({ data: { managedKeyChanged: { id } } });
      await a.gql(`mutation($input: RevokeAccessTokenInput!) { revokeAccessToken(input: $input) { __typename } }`, { input: { id: created.accessToken.id } });
      // No event follows: the revocation alone ends it.
      expect(await sub.next()).toMatchObject({ errors: [{ extensions: { code: "UNAUTHENTICATED" } }] });
      expect(await sub.next()).toBe("ended");
      expect(b.gateway.services.streams.openFor(created.accessToken.id)).toBe(0);
    } finally {
      sub.close();
    }
  });

  it("a replica whose listen connection drops reconnects by itself and hears events again", async () => {
    const admin = new pg.Client({ connectionString: a.config.databaseUrl });
    await admin.connect();
    try {
      const { rowCount } = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`, [
        `uko-events-listen-${b.gateway.eventTarget!.origin}`,
      ]);
      expect(rowCount).toBe(1);
    } finally {
      await admin.end();
    }
    const target = b.gateway.eventTarget!;
    await vi.waitFor(() => expect(target.listening).toBe(false), { timeout: 5000 });
    await vi.waitFor(() => expect(target.listening).toBe(true), { timeout: 10_000 });
    expect(b.logs.join("")).toContain("reconnecting");
    const sub = await subscribeSse(b, b.config.adminToken!, KEY_SUB, { v: vaultId });
    try {
      const id = await activateOnA("after-reconnect");
      expect(await sub.next()).toMatchObject({ data: { managedKeyChanged: { id } } });
    } finally {
      sub.close();
    }
  });
});
