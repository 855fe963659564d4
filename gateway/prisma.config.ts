import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "prisma/config";

// Prisma's CLI downloads a native schema engine before every command, and this project builds with
// no network. Pointing it at a stand-in that exits with a message lets `prisma generate` run and
// tells anyone who types `prisma migrate` what to use instead (gateway/tools/migrate.ts).
const standIn = fileURLToPath(new URL("./tools/no-native-schema-engine.sh", import.meta.url));
if (existsSync(standIn)) process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= standIn;
process.env.CHECKPOINT_DISABLE = "1";

export default defineConfig({
  schema: "../prisma/schema.prisma",
});
