import type { DbProvider } from "./client.js";

/**
 * A `where` condition for "the name begins with this text", the same on both databases: literal
 * (`%` and `_` are characters, not wildcards) and case-sensitive. Prisma's `startsWith` is a LIKE
 * that escapes nothing, and SQLite's LIKE ignores ASCII case and has no escape character unless
 * the statement names one, so SQLite gets a range instead: under its default binary collation,
 * the names from `prefix` up to `prefix` followed by the highest code point are exactly those that
 * begin with it (and the range uses the name index). PostgreSQL's LIKE is case-sensitive and
 * takes backslash escapes.
 */
export function namePrefixFilter(prefix: string, provider: DbProvider): { startsWith: string } | { gte: string; lt: string } {
  if (provider === "postgresql") return { startsWith: prefix.replace(/[\\%_]/g, "\\$&") };
  return { gte: prefix, lt: `${prefix}\u{10FFFF}` };
}
