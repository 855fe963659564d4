/**
 * Writes SQL migrations for both databases from prisma/schema.prisma, offline.
 *
 * Prisma's CLI needs a native schema engine that cannot be downloaded here, so this drives the
 * same engine compiled to wasm (@prisma/schema-engine-wasm). Each migration folder keeps the
 * schema it was made from (schema.prisma beside migration.sql); the next migration is the diff
 * from that snapshot to the current schema, which needs no database at all. The test suite
 * applies the committed migrations to real SQLite and PostgreSQL databases and runs the gateway
 * on them, which is what proves the SQL right. The gateway applies migrations itself at start
 * (src/db/migrations.ts), so this tool is only for developers changing the schema.
 *
 *   npm run migrate -- create <name>   write prisma/migrations/<ts>_<name> and prisma/postgresql/migrations/<ts>_<name>
 *   npm run migrate -- check           exit 1 when the schema has changes no migration holds
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import * as engineBindings from "@prisma/schema-engine-wasm/schema_engine_bg";

const here = dirname(fileURLToPath(import.meta.url));
const prismaDir = resolve(here, "../../prisma");

const providers = [
  {
    name: "sqlite",
    schemaPath: resolve(prismaDir, "schema.prisma"),
    migrationsDir: resolve(prismaDir, "migrations"),
    adapter: () => new PrismaBetterSqlite3({ url: ":memory:" }),
  },
  {
    name: "postgresql",
    schemaPath: resolve(prismaDir, "postgresql/schema.prisma"),
    migrationsDir: resolve(prismaDir, "postgresql/migrations"),
    // The engine connects once (server version) even for a datamodel diff; it changes nothing there.
    adapter: () => new PrismaPg({ connectionString: process.env.MIGRATE_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" }),
  },
] as const;

let loaded: Promise<typeof engineBindings.SchemaEngine> | undefined;
/** Node 20 cannot import .wasm as an ES module, so instantiate the engine once, by hand. */
function loadSchemaEngine(): Promise<typeof engineBindings.SchemaEngine> {
  loaded ??= (async () => {
    const wasmUrl = import.meta.resolve("@prisma/schema-engine-wasm/schema_engine_bg").replace(/\.js$/, ".wasm");
    const { instance } = await WebAssembly.instantiate(readFileSync(fileURLToPath(wasmUrl)), {
      "./schema_engine_bg.js": engineBindings as never,
    });
    (engineBindings as unknown as { __wbg_set_wasm(exports: unknown): void }).__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return engineBindings.SchemaEngine;
  })();
  return loaded;
}

function lastSnapshot(migrationsDir: string): string | undefined {
  if (!existsSync(migrationsDir)) return undefined;
  const dirs = readdirSync(migrationsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const last = dirs.at(-1);
  return last === undefined ? undefined : readFileSync(resolve(migrationsDir, last, "schema.prisma"), "utf8");
}

async function pendingSql({ schemaPath, migrationsDir, adapter }: (typeof providers)[number]): Promise<string> {
  const SchemaEngine = await loadSchemaEngine();
  const schema = readFileSync(schemaPath, "utf8");
  const engine = await SchemaEngine.new({ datamodels: [[schemaPath, schema]] }, () => {}, bindMigrationAwareSqlAdapterFactory(adapter()));
  const previous = lastSnapshot(migrationsDir);
  const result = await engine.diff({
    from: (previous === undefined
      ? { tag: "empty" }
      : { tag: "schemaDatamodel", files: [{ path: "previous.prisma", content: previous }] }) as never,
    to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content: schema }] } as never,
    script: true,
    exitCode: null,
    filters: { externalTables: [], externalEnums: [] } as never,
  });
  return (result.stdout ?? "").trim();
}

async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  if (command !== "create" && command !== "check") {
    console.error("usage: npm run migrate -- create <name> | check");
    process.exit(2);
  }
  if (command === "create" && !/^[a-z0-9_]+$/.test(name ?? "")) {
    console.error("migrate create: give a snake_case name, e.g. add_key_templates");
    process.exit(2);
  }
  execFileSync(process.execPath, [resolve(here, "sync-pg-schema.mjs")], { stdio: "inherit" });
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  let pending = 0;
  for (const provider of providers) {
    const sql = await pendingSql(provider);
    if (sql === "" || sql === "-- This is an empty migration.") {
      console.log(`${provider.name}: no schema changes`);
      continue;
    }
    pending++;
    if (command === "check") {
      console.log(`${provider.name}: the schema has changes no migration holds:\n${sql}`);
      continue;
    }
    const dir = resolve(provider.migrationsDir, `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(resolve(dir, "migration.sql"), sql + "\n");
    writeFileSync(resolve(dir, "schema.prisma"), readFileSync(provider.schemaPath, "utf8"));
    writeFileSync(
      resolve(provider.migrationsDir, "migration_lock.toml"),
      `# Written by gateway/tools/migrate.ts; keep it in version control.\nprovider = "${provider.name}"\n`,
    );
    console.log(`${provider.name}: wrote ${dir}`);
  }
  if (command === "check" && pending > 0) process.exit(1);
}

await main();
