import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHECKPOINT_FILE } from "../src/access/audit-checkpoints.js";
import { AuditLog } from "../src/access/audit.js";
import { RootKey } from "../src/crypto/seal.js";
import { providers, startTestGateway, type TestGateway } from "./harness.js";

/** `npm run audit:verify` against a test gateway's database, data directory and root key. */
function verifyTool(t: TestGateway, ...files: string[]): string {
  return execFileSync("npx", ["tsx", "tools/audit-verify.ts", ...files], {
    env: { ...process.env, DATABASE_URL: t.config.databaseUrl, UKO_DATA_DIR: t.config.dataDir, UKO_ROOT_KEY: t.config.rootKey },
    encoding: "utf8",
  });
}
function verifyToolFails(t: TestGateway, ...files: string[]): string {
  try {
    verifyTool(t, ...files);
  } catch (error) {
    expect((error as { status: number }).status).toBe(1);
    return (error as { stdout: string }).stdout;
  }
  throw new Error("audit:verify passed a broken log");
}

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

  it("names the first tampered event, in the API and in npm run audit:verify (with the checkpoints of an exported log)", async () => {
    const [victim] = await events({ action: "target-keystores.create", outcome: "success" });
    await t.gateway.database.db.auditEvent.update({ where: { seq: victim!.seq }, data: { outcome: "refused" } });
    const check = (await t.gql(`{ auditChain { ok firstBadSeq problem } }`)).data.auditChain;
    expect(check).toMatchObject({ ok: false, firstBadSeq: victim!.seq });
    expect(check.problem).toMatch(/changed/);
    let output = "";
    let code = 0;
    try {
      const exported = join(t.config.dataDir, "exported.log");
      writeFileSync(exported, t.logs.join(""));
      output = verifyTool(t, exported);
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

/**
 * What an attacker with write access to the database but not the root key can do to the log, and
 * that each shows: the end cut off (only the signed checkpoints outside the table can tell), and
 * an event rewritten with every later hash recomputed as plain SHA-256 (the old, unkeyed chain).
 */
describe.each(await providers())("the keyed, anchored audit chain on %s", (provider) => {
  let t: TestGateway;
  const db = () => t.gateway.database.db;
  const chain = async () => (await t.gql(`{ auditChain { ok events checkpoints firstBadSeq firstBadId problem } }`)).data.auditChain;
  const rows = () => db().auditEvent.findMany({ orderBy: { seq: "asc" } });
  /** The unkeyed hash anyone can compute from the source: SHA-256 over the previous hash and the fields. */
  const sha = (prev: string, e: Awaited<ReturnType<typeof rows>>[number]) =>
    createHash("sha256")
      .update(prev)
      .update(JSON.stringify([e.id, e.at.toISOString(), e.actorId, e.actorName, e.action, e.targetType, e.targetId, e.vaultId, e.outcome, e.reason, e.requestId, e.sourceAddress]))
      .digest("hex");

  beforeAll(async () => {
    t = await startTestGateway(provider, { rateLimitPerMinute: 0 });
    for (let i = 0; i < 5; i++) await t.gql(`mutation($n: String!) { createVault(input: { name: $n }) { __typename } }`, { n: `anchored-${i}` });
  });
  afterAll(() => t?.close());

  it("a clean chain verifies, and every checkpoint is a signed line in the data directory and in the log", async () => {
    const written = await t.gateway.services.audit.checkpoint();
    expect(written).toMatchObject({ count: 10, hash: (await rows()).at(-1)!.hash });
    const file = join(t.config.dataDir, CHECKPOINT_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const lines = readFileSync(file, "utf8").trim().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(2); // the one at start, and this one
    expect(JSON.parse(lines.at(-1)!)).toEqual(written);
    const logged = t.logs.map((l) => JSON.parse(l)).filter((l) => l.auditCheckpoint);
    expect(logged.at(-1)).toMatchObject({ component: "audit", msg: "audit checkpoint", auditCheckpoint: written });
    expect(await chain()).toMatchObject({ ok: true, events: 10 });
    expect((await chain()).checkpoints).toBe(lines.length);
  });

  it("hashes are HMACs: nothing computable without the root key", async () => {
    const [first] = await rows();
    expect(first!.hash).not.toBe(sha("0".repeat(64), first!));
  });

  it("detects the last rows deleted, though the remaining chain is intact", async () => {
    await t.gateway.services.audit.checkpoint();
    const before = await rows();
    const cut = before.slice(-3);
    await db().auditEvent.deleteMany({ where: { seq: { in: cut.map((e) => e.seq) } } });
    try {
      const check = await chain();
      expect(check).toMatchObject({ ok: false, firstBadSeq: cut.at(-1)!.seq });
      expect(check.problem).toMatch(/removed from the end/);
      // The command-line check is the same code; run once (it costs seconds to start).
      if (provider === "sqlite") expect(verifyToolFails(t)).toContain(`BROKEN at event #${cut.at(-1)!.seq}`);
    } finally {
      await db().auditEvent.createMany({ data: cut });
    }
    expect((await chain()).ok).toBe(true);
  });

  it("detects a row rewritten with every later hash recomputed as plain SHA-256", async () => {
    const before = await rows();
    const victim = before[2]!;
    let prev = victim.prevHash;
    for (const e of before.slice(2)) {
      const changed = e.seq === victim.seq ? { ...e, outcome: "refused" } : e;
      const hash = sha(prev, changed);
      await db().auditEvent.update({ where: { seq: e.seq }, data: { outcome: changed.outcome, prevHash: prev, hash } });
      prev = hash;
    }
    try {
      const check = await chain();
      expect(check).toMatchObject({ ok: false, firstBadSeq: victim.seq, firstBadId: victim.id });
    } finally {
      for (const e of before) await db().auditEvent.update({ where: { seq: e.seq }, data: { outcome: e.outcome, prevHash: e.prevHash, hash: e.hash } });
    }
    expect((await chain()).ok).toBe(true);
  });

  it("detects an edited or forged checkpoint, and a checkpoint file that is gone", async () => {
    const file = join(t.config.dataDir, CHECKPOINT_FILE);
    const original = readFileSync(file, "utf8");
    const last = JSON.parse(original.trim().split("\n").at(-1)!);
    try {
      // Lowering the recorded count would hide a cut end: the MAC no longer holds.
      appendFileSync(file, `${JSON.stringify({ ...last, count: 1 })}\n`);
      expect((await chain()).problem).toMatch(/not a checkpoint signed with this root key/);
      rmSync(file);
      expect((await chain()).problem).toMatch(/no signed checkpoint/);
    } finally {
      writeFileSync(file, original, { mode: 0o600 });
    }
    expect((await chain()).ok).toBe(true);
  });

  it("checks checkpoints exported from the log (a SIEM's copy) too, when the file lost them", async () => {
    const exported = join(t.config.dataDir, "siem-export.jsonl");
    writeFileSync(exported, t.logs.join(""));
    const file = join(t.config.dataDir, CHECKPOINT_FILE);
    const original = readFileSync(file, "utf8");
    const before = await rows();
    const cut = before.slice(-2);
    // The attacker cuts the end and the file's later lines; the shipped log lines still tell.
    writeFileSync(file, `${original.trim().split("\n")[0]}\n`);
    await db().auditEvent.deleteMany({ where: { seq: { in: cut.map((e) => e.seq) } } });
    try {
      expect((await t.gateway.services.audit.verify()).ok).toBe(true);
      expect(await t.gateway.services.audit.verify([exported])).toMatchObject({ ok: false, problem: expect.stringMatching(/removed from the end/) });
    } finally {
      await db().auditEvent.createMany({ data: cut });
      writeFileSync(file, original, { mode: 0o600 });
    }
  });

  it("keys a log written before keying once, after checking its plain chain; a broken one is left to fail", async () => {
    const rootKey = new RootKey(Buffer.from(t.config.rootKey!, "base64"));
    const legacyFile = join(t.config.dataDir, "legacy-checkpoints.jsonl");
    const asLegacy = async (breakAt?: number) => {
      let prev = "0".repeat(64);
      for (const e of await rows()) {
        const hash = sha(prev, e);
        await db().auditEvent.update({ where: { seq: e.seq }, data: { prevHash: prev, hash: e.seq === breakAt ? "f".repeat(64) : hash } });
        prev = hash;
      }
      await db().setting.delete({ where: { key: "audit.chain" } });
      rmSync(legacyFile, { force: true });
    };
    const before = await rows();
    try {
      await asLegacy();
      const upgraded = new AuditLog(db(), t.gateway.database.provider, { rootKey, checkpointFile: legacyFile });
      await upgraded.prepare();
      expect((await rows()).map((e) => e.hash)).toEqual(before.map((e) => e.hash));
      expect(await upgraded.verify()).toMatchObject({ ok: true, events: before.length, checkpoints: 1 });

      await asLegacy(before[1]!.seq);
      const broken = new AuditLog(db(), t.gateway.database.provider, { rootKey, checkpointFile: legacyFile });
      await broken.prepare();
      expect(await broken.verify()).toMatchObject({ ok: false, firstBadSeq: before[0]!.seq });
      expect(existsSync(legacyFile)).toBe(true);
    } finally {
      for (const e of before) await db().auditEvent.update({ where: { seq: e.seq }, data: { prevHash: e.prevHash, hash: e.hash } });
      rmSync(legacyFile, { force: true });
    }
    expect((await chain()).ok).toBe(true);
  });
});
