import { createHash, randomUUID } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import { providerOf, sqlitePath, type DbProvider } from "./client.js";

/**
 * Applies the committed SQL migrations that a database has not seen yet, before the gateway
 * serves. It keeps Prisma's own `_prisma_migrations` bookkeeping (same table, sha256 checksums),
 * so Prisma tooling and this runner agree on what is applied. PostgreSQL replicas starting
 * together serialise on Prisma Migrate's advisory lock.
 */
const PRISMA_MIGRATE_LOCK = 72707369;
const prismaDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../../prisma");

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {}

export function committedMigrations(provider: DbProvider): Migration[] {
  const dir = provider === "sqlite" ? resolve(prismaDir, "migrations") : resolve(prismaDir, "postgresql/migrations");
  if (!existsSync(dir)) throw new MigrationError(`No migrations folder at ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(resolve(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
}

/** Which committed migrations are applied; refuses a database edited or migrated by a newer gateway. */
function plan(migrations: Migration[], applied: AppliedRow[]): Migration[] {
  const known = new Map(migrations.map((m) => [m.name, m]));
  for (const row of applied) {
    const m = known.get(row.migration_name);
    if (!m) {
      throw new MigrationError(
        `The database has migration ${row.migration_name}, which this gateway does not know: it was migrated by a newer version. Start that version instead.`,
      );
    }
    if (!row.finished_at) throw new MigrationError(`Migration ${row.migration_name} started but did not finish; restore the database from a backup.`);
    if (row.checksum !== m.checksum) throw new MigrationError(`Migration ${row.migration_name} was edited after it was applied.`);
  }
  const done = new Set(applied.map((r) => r.migration_name));
  return migrations.filter((m) => !done.has(m.name));
}

/**
 * Applies the pending committed migrations. `before` (tests of a data migration) stops short of
 * the migration of that name, so a test can write rows in the older shape and then migrate them.
 */
export async function applyMigrations(url: string, options: { before?: string } = {}): Promise<string[]> {
  const provider = providerOf(url);
  const all = committedMigrations(provider);
  const stop = options.before === undefined ? -1 : all.findIndex((m) => m.name.endsWith(`_${options.before}`));
  if (options.before !== undefined && stop < 0) throw new MigrationError(`No migration named ${options.before}`);
  const migrations = stop < 0 ? all : all.slice(0, stop);
  return provider === "sqlite" ? applySqlite(sqlitePath(url), migrations) : applyPostgres(url, migrations);
}

function applySqlite(file: string, migrations: Migration[]): string[] {
  const db = new Database(file);
  try {
    db.pragma("journal_mode = WAL");
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
      "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
      "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`);
    // BEGIN IMMEDIATE takes the write lock first, so two processes cannot both apply a migration.
    const run = db.transaction(() => {
      const applied = db.prepare(`SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`).all() as AppliedRow[];
      const pending = plan(migrations, applied);
      for (const m of pending) {
        db.exec(m.sql);
        db.prepare(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count) VALUES (?, ?, ?, current_timestamp, 1)`,
        ).run(randomUUID(), m.checksum, m.name);
      }
      return pending.map((m) => m.name);
    });
    return run.immediate();
  } finally {
    db.close();
  }
}

async function applyPostgres(url: string, migrations: Migration[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const { rows } = await client.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const pending = plan(migrations, rows);
    for (const m of pending) {
      await client.query("BEGIN");
      try {
        await client.query(m.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count) VALUES ($1, $2, $3, now(), 1)`,
          [randomUUID(), m.checksum, m.name],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new MigrationError(`Migration ${m.name} failed: ${(error as Error).message}`);
      }
    }
    return pending.map((m) => m.name);
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK]).catch(() => {});
    await client.end();
  }
}
