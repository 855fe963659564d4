import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "../generated/prisma/client.js";
import { PrismaClient as PgClient } from "../generated/prisma-pg/client.js";

/**
 * One generated client per provider (Prisma 7 compiles queries per provider); the SQLite client's
 * type is the one the code is written against, which keeps it to what both databases support.
 */
export type Db = SqliteClient;
export type DbProvider = "sqlite" | "postgresql";

export interface DbHandle {
  db: Db;
  provider: DbProvider;
  /** Counts SQL statements sent, for the N+1 tests and the benchmark. */
  statements: { count: number };
}

export function providerOf(url: string): DbProvider {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgresql";
  throw new Error(`DATABASE_URL must start with file: or postgresql://`);
}

export function sqlitePath(url: string): string {
  return url.slice("file:".length);
}

export function createDb(url: string): DbHandle {
  const provider = providerOf(url);
  const statements = { count: 0 };
  const log = [{ emit: "event" as const, level: "query" as const }];
  const db =
    provider === "sqlite"
      ? new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: sqlitePath(url) }), log })
      : (new PgClient({ adapter: new PrismaPg({ connectionString: url }), log }) as unknown as SqliteClient);
  (db as unknown as { $on(event: "query", cb: () => void): void }).$on("query", () => {
    statements.count++;
  });
  return { db, provider, statements };
}
