import { Prisma } from "../generated/prisma/client.js";
import type { DbProvider } from "./client.js";
import { keysetCursor } from "./paginate.js";
import { namePrefixFilter } from "./name-prefix.js";

/**
 * SQL pieces for list pages read with `$queryRaw` instead of `findMany`: Prisma's query building
 * and object mapping were about half of a 100-row page's CPU (docs/performance.md). The text is
 * the same on SQLite and PostgreSQL: identifiers are double-quoted (Prisma's PostgreSQL tables are
 * mixed-case), every value is a bound parameter, and the order matches `keysetQuery`'s.
 */

type Sql = Prisma.Sql;

/** A column of `alias`, quoted. Only ever called with names from this code, never with input. */
export function column(alias: string, name: string): Sql {
  // Raw text in SQL: refuse anything but plain identifiers, should input ever reach here.
  if (!/^[a-z]+$/.test(alias) || !/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new Error(`Not a column identifier: ${alias}.${name}`);
  return Prisma.raw(`${alias}."${name}"`);
}

/** The conditions joined with AND; `1=1` when there are none. */
export function allOf(conditions: Sql[]): Sql {
  return conditions.length === 0 ? Prisma.sql`1=1` : Prisma.join(conditions, " AND ", "(", ")");
}

/** `column IN (values)`, and a condition nothing meets for no values (SQL has no empty IN list). */
export function isIn(col: Sql, values: readonly string[]): Sql {
  return values.length === 0 ? Prisma.sql`1=0` : Prisma.sql`${col} IN (${Prisma.join(values)})`;
}

/** The rows beyond the cursor in the list's order (by `field`, then id), as `keysetQuery` does. */
export function keysetSql(alias: string, field: string, direction: "asc" | "desc", after: string | null | undefined): { where: Sql | null; orderBy: Sql } {
  const dir = Prisma.raw(direction === "asc" ? "ASC" : "DESC");
  const orderBy = Prisma.sql`ORDER BY ${column(alias, field)} ${dir}, ${column(alias, "id")} ${dir}`;
  const cursor = keysetCursor(field, after);
  if (!cursor) return { where: null, orderBy };
  const beyond = Prisma.raw(direction === "asc" ? ">" : "<");
  const col = column(alias, field);
  return { where: Prisma.sql`(${col} ${beyond} ${cursor.value} OR (${col} = ${cursor.value} AND ${column(alias, "id")} ${beyond} ${cursor.id}))`, orderBy };
}

/** "The name begins with this text", the condition `namePrefixFilter` gives Prisma, as SQL. */
export function namePrefixSql(col: Sql, prefix: string, provider: DbProvider): Sql {
  const filter = namePrefixFilter(prefix, provider);
  return "startsWith" in filter ? Prisma.sql`${col} LIKE ${`${filter.startsWith}%`}` : Prisma.sql`${col} >= ${filter.gte} AND ${col} < ${filter.lt}`;
}

/** A `count(*)` as a number (the drivers give a bigint). */
export function countOf(rows: { n: bigint | number }[]): number {
  return Number(rows[0]?.n ?? 0);
}
