// Writes prisma/postgresql/schema.prisma from the one hand-edited SQLite schema. Prisma 7 generates a
// client per provider, so PostgreSQL needs its own copy; nobody edits that copy by hand.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../prisma");
const source = readFileSync(resolve(root, "schema.prisma"), "utf8");

const pg = source
  .replace('output              = "../gateway/src/generated/prisma"', 'output              = "../../gateway/src/generated/prisma-pg"')
  .replace('provider = "sqlite"', 'provider = "postgresql"');
if (!pg.includes('"postgresql"') || !pg.includes("prisma-pg")) {
  throw new Error("sync-pg-schema: the SQLite schema no longer has the shape this script rewrites; update the script");
}
mkdirSync(resolve(root, "postgresql"), { recursive: true });
writeFileSync(
  resolve(root, "postgresql/schema.prisma"),
  "// GENERATED from prisma/schema.prisma by gateway/tools/sync-pg-schema.mjs. Do not edit.\n\n" + pg,
);
