import type { Db } from "../db/client.js";
import type { RootKey } from "./seal.js";

const SETTING = "root_key_id";

/**
 * Records the root key's fingerprint on first start and refuses a later start with another key,
 * so a wrong key is caught at once rather than at the first secret that will not open.
 */
export async function checkRootKey(db: Db, key: RootKey): Promise<void> {
  const id = key.id.toString("hex");
  const stored = await db.setting.findUnique({ where: { key: SETTING } });
  if (!stored) {
    await db.setting.upsert({ where: { key: SETTING }, create: { key: SETTING, value: id }, update: {} });
    return checkRootKey(db, key);
  }
  if (stored.value !== id) {
    throw new WrongRootKeyError(
      `This database was sealed with another root key (fingerprint ${stored.value}; the configured key's is ${id}). ` +
        "Start with the original key (UKO_ROOT_KEY, UKO_ROOT_KEY_FILE or the data directory's root.key).",
    );
  }
}

export class WrongRootKeyError extends Error {}
