import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../src/db/migrations.js";
import { providers, type Provider } from "./harness.js";

/**
 * The template_targets migration moves each template's single target (type, group, options) into
 * the KeyTemplateTarget table before dropping the old columns: a database written by the previous
 * version keeps every template's target. Run on a real database of each kind, from the previous
 * migration's shape.
 */
const PG_BASE = process.env.TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

interface Sql {
  url: string;
  run(sql: string, params: unknown[]): Promise<void>;
  all(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

async function database(provider: Provider): Promise<Sql> {
  if (provider === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "uko-migration-"));
    const file = join(dir, "uko.db");
    let db: Database.Database | undefined;
    const open = () => (db ??= new Database(file));
    return {
      url: `file:${file}`,
      run: async (sql, params) => void open().prepare(sql).run(...params),
      all: async (sql) => open().prepare(sql).all() as Record<string, unknown>[],
      close: async () => {
        db?.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `uko_migration_${randomUUID().replace(/-/g, "")}`;
  const admin = new pg.Client({ connectionString: PG_BASE });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_BASE);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  let connected = false;
  const ready = async () => {
    if (!connected) await client.connect();
    connected = true;
    return client;
  };
  // Placeholders are written ? (SQLite's); PostgreSQL numbers them.
  const numbered = (sql: string) => {
    let i = 0;
    return sql.replace(/\?/g, () => `$${++i}`);
  };
  return {
    url: url.toString(),
    run: async (sql, params) => void (await (await ready()).query(numbered(sql), params)),
    all: async (sql) => (await (await ready()).query(sql)).rows,
    close: async () => {
      if (connected) await client.end();
      const c = new pg.Client({ connectionString: PG_BASE });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

describe.each(await providers())("the template_targets migration on %s", (provider) => {
  const opened: Sql[] = [];
  afterAll(async () => {
    for (const db of opened) await db.close();
  });

  it("copies each existing template's target, options included, and keeps the templates and their keys", async () => {
    const db = await database(provider);
    opened.push(db);
    await applyMigrations(db.url, { before: "template_targets" });
    const vaultId = randomUUID();
    const templates = [
      { id: randomUUID(), name: "aws-one", type: "aws_kms", group: "prod", options: '{"aws_pending_window_days":14}' },
      { id: randomUUID(), name: "ref-two", type: "reference", group: "eu west", options: "{}" },
    ];
    await db.run(`INSERT INTO "Vault" ("id", "name", "updatedAt") VALUES (?, ?, CURRENT_TIMESTAMP)`, [vaultId, "old"]);
    for (const t of templates) {
      await db.run(
        `INSERT INTO "KeyTemplate" ("id", "vaultId", "name", "algorithm", "size", "initialState", "namingScheme", "keystoreType", "keystoreGroup", "options", "targetRevision", "updatedAt")
         VALUES (?, ?, ?, 'AES', '256', 'ACTIVE', 'k-<app>', ?, ?, ?, 3, CURRENT_TIMESTAMP)`,
        [t.id, vaultId, t.name, t.type, t.group, t.options],
      );
    }

    // A managed key made from a template: the template's row must survive the migration in place.
    const keyId = randomUUID();
    await db.run(
      `INSERT INTO "ManagedKey" ("id", "vaultId", "templateId", "label", "state", "algorithm", "size", "nameInKeystores", "alignedRevision", "updatedAt")
       VALUES (?, ?, ?, 'old-key', 'ACTIVE', 'AES', '256', 'k-old', 3, CURRENT_TIMESTAMP)`,
      [keyId, vaultId, templates[0]!.id],
    );

    // The first migration applied is this one (later ones follow it).
    expect((await applyMigrations(db.url))[0]).toMatch(/_template_targets$/);

    const targets = await db.all(`SELECT "id", "templateId", "position", "keystoreType", "keystoreGroup", "options" FROM "KeyTemplateTarget" ORDER BY "keystoreType"`);
    expect(targets).toEqual(
      templates.map((t) => ({ id: t.id, templateId: t.id, position: 0, keystoreType: t.type, keystoreGroup: t.group, options: t.options })),
    );
    const kept = await db.all(`SELECT "name", "targetRevision" FROM "KeyTemplate" ORDER BY "name"`);
    expect(kept).toEqual([
      { name: "aws-one", targetRevision: 3 },
      { name: "ref-two", targetRevision: 3 },
    ]);
    expect(await db.all(`SELECT "id", "templateId" FROM "ManagedKey"`)).toEqual([{ id: keyId, templateId: templates[0]!.id }]);
    // The old columns are gone: the target lives in one place only.
    await expect(db.all(`SELECT "keystoreType" FROM "KeyTemplate"`)).rejects.toThrow(/keystoreType/);
  });
});
