import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "../db/client.js";
import { newToken, tokenHash } from "./tokens.js";

const BOOTSTRAP_NAME = "bootstrap administrator";

/**
 * The first administrator. With UKO_ADMIN_TOKEN set, that token is the bootstrap administrator
 * (changing the variable replaces it). Without it, the first start writes a generated token to
 * `admin.token` (owner-only) in the data directory and says where; later starts reuse it.
 */
export async function ensureAdminToken(db: Db, options: { adminToken?: string; dataDir: string }): Promise<{ createdFile?: string }> {
  const existing = await db.accessToken.findFirst({ where: { name: BOOTSTRAP_NAME, createdById: null } });
  if (options.adminToken) {
    const hash = tokenHash(options.adminToken);
    if (existing) {
      if (existing.hash !== hash) await db.accessToken.update({ where: { id: existing.id }, data: { hash, revokedAt: null, expiresAt: null } });
    } else {
      await db.accessToken.create({ data: { name: BOOTSTRAP_NAME, hash, administrator: true } });
    }
    return {};
  }
  if (existing) return {};
  const file = join(options.dataDir, "admin.token");
  const reused = existsSync(file) ? readFileSync(file, "utf8").trim() : undefined;
  const token = reused || newToken();
  if (!reused) writeFileSync(file, `${token}\n`, { mode: 0o600, flag: "wx" });
  await db.accessToken.create({ data: { name: BOOTSTRAP_NAME, hash: tokenHash(token), administrator: true } });
  return reused ? {} : { createdFile: file };
}
