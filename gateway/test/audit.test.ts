import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providers, startTestGateway, type TestGateway } from "./harness.js";

/** The audit log: what it records, that it records no secret, that tampering shows, that it fails closed. */
describe("audit log", () => {
  let t: TestGateway;
  let vaultId: string;
  const CANARY = `audit-canary-${Date.now()}`;
  const events = (where: Record<string, unknown> = {}) => t.gateway.database.db.auditEvent.findMany({ where, orderBy: { seq: "asc" } });

  beforeAll(async () => {
    t = await startTestGateway("sqlite", { rateLimitPerMinute: 0 });
    vaultId = (await t.gql(`mutation { createVault(input: { name: "audited" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault.id;
  });
  afterAll(() => t?.close());

  it("records each mutation before and after, with actor, action, target, vault, outcome and request id — and never a secret", async () => {
    const r = await t.gql(`mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { ... on ConnectKeystoreSuccess { keystore { id } } } }`, {
      input: { vaultId, name: "audited-ks", groups: ["prod"], properties: { reference: { referenceInstance: "audited", referenceApiKey: CANARY } } },
    });
    expect(r.data.connectKeystore.keystore.id).toBeDefined();
    const connect = await events({ action: "target-keystores.create" });
    expect(connect.map((e) => e.outcome)).toEqual(["requested", "success"]);
    expect(connect[1]).toMatchObject({ actorName: "bootstrap administrator", vaultId, targetType: "vault", reason: null });
    expect(connect[0]!.requestId).toBe(connect[1]!.requestId);
    const dup = await t.gql(`mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { __typename } }`, {
      input: { vaultId, name: "audited-ks", properties: { reference: { referenceInstance: "audited-2", referenceApiKey: CANARY } } },
    });
    expect(dup.data.connectKeystore.__typename).toBe("DuplicateNameError");
    expect((await events({ action: "target-keystores.create" })).at(-1)).toMatchObject({ outcome: "refused", reason: "DUPLICATE_NAME" });
    expect(JSON.stringify(await events())).not.toContain(CANARY);
  });

  it("lists events (administrator: all; a vault role: its vault) and verifies the chain", async () => {
    const all = (await t.gql(`{ auditEvents(first: 500) { seq action outcome vaultId } }`)).data.auditEvents;
    expect(all.length).toBeGreaterThan(3);
    expect(all[0].seq).toBeGreaterThan(all.at(-1).seq); // newest first
    const token = (
      await t.gql(`mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { ... on CreateAccessTokenSuccess { created { token } } } }`, {
        input: { name: "auditor", roles: [{ vaultId, role: "READER" }] },
      })
    ).data.createAccessToken.created.token;
    const mine = (await t.gqlAs(token, `{ auditEvents(first: 500) { vaultId } }`)).data.auditEvents;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((e: { vaultId: string }) => e.vaultId === vaultId)).toBe(true);
    expect((await t.gql(`{ auditChain { ok events } }`)).data.auditChain.ok).toBe(true);
  });

  it("names the first tampered event, in the API and in npm run audit:verify", async () => {
    const [victim] = await events({ action: "target-keystores.create", outcome: "success" });
    await t.gateway.database.db.auditEvent.update({ where: { seq: victim!.seq }, data: { outcome: "refused" } });
    const check = (await t.gql(`{ auditChain { ok firstBadSeq problem } }`)).data.auditChain;
    expect(check).toMatchObject({ ok: false, firstBadSeq: victim!.seq });
    expect(check.problem).toMatch(/changed/);
    let output = "";
    let code = 0;
    try {
      output = execFileSync("npx", ["tsx", "tools/audit-verify.ts"], { env: { ...process.env, DATABASE_URL: t.config.databaseUrl, UKO_DATA_DIR: t.config.dataDir }, encoding: "utf8" });
    } catch (error) {
      code = (error as { status: number }).status;
      output = (error as { stdout: string }).stdout;
    }
    expect(code).toBe(1);
    expect(output).toContain(`BROKEN at event #${victim!.seq}`);
    await t.gateway.database.db.auditEvent.update({ where: { seq: victim!.seq }, data: { outcome: "success" } });
  });

  it("fails closed: when no audit event can be written, no mutation runs", async () => {
    const before = await t.gateway.database.db.vault.count();
    await t.gateway.database.db.$executeRawUnsafe(`ALTER TABLE "AuditEvent" RENAME TO "AuditEventGone"`);
    try {
      const r = await t.gql(`mutation { createVault(input: { name: "unaudited" }) { __typename } } # expect-errors`);
      expect(r.errors?.[0]?.extensions?.code).toBe("AUDIT_UNAVAILABLE");
      expect(await t.gateway.database.db.vault.count()).toBe(before);
    } finally {
      await t.gateway.database.db.$executeRawUnsafe(`ALTER TABLE "AuditEventGone" RENAME TO "AuditEvent"`);
    }
  });

  it("limits each token's rate, with a retry hint", async () => {
    const limited = await startTestGateway("sqlite", { rateLimitPerMinute: 3 });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await limited.gqlAs(limited.config.adminToken!, `{ me { name } }`)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const last = await limited.gqlAs(limited.config.adminToken!, `{ me { name } }`);
      expect(last.errors?.[0]?.extensions).toMatchObject({ code: "RATE_LIMITED" });
      expect(Number(last.errors?.[0]?.extensions?.retryAfterSeconds)).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});

describe.each(await providers())("the audit chain under concurrent mutations on %s", (provider) => {
  it("stays one unbroken chain", async () => {
    const t = await startTestGateway(provider);
    try {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => t.gql(`mutation($n: String!) { createVault(input: { name: $n }) { __typename } }`, { n: `c${i}` })));
      expect(results.every((r) => r.data.createVault.__typename === "CreateVaultSuccess")).toBe(true);
      const check = (await t.gql(`{ auditChain { ok events } }`)).data.auditChain;
      expect(check).toEqual({ ok: true, events: 40 });
    } finally {
      await t.close();
    }
  });
});
