// `npm run audit:verify [-- exported-log.jsonl ...]`: checks the audit log in the configured
// database (the same environment as `npm start`, root key included) against its chain of HMACs
// and against the signed checkpoints in the data directory's audit-checkpoints.jsonl, plus any log
// files given (lines carrying an "auditCheckpoint", e.g. exported from a SIEM). Names the first
// event that does not hold, or the cut end. Exit 1 when broken, 2 when it cannot check.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CHECKPOINT_FILE } from "../src/access/audit-checkpoints.js";
import { AuditLog } from "../src/access/audit.js";
import { ConfigError, loadConfig } from "../src/config.js";
import { loadRootKey, RootKeyError } from "../src/crypto/root-key.js";
import { createDb } from "../src/db/client.js";

let config;
let rootKey;
try {
  config = loadConfig();
  // Never create a root key here (loadRootKey would, on a first start): without it nothing can be checked.
  if (!config.rootKey && !config.rootKeyFile && !existsSync(join(config.dataDir, "root.key"))) {
    throw new ConfigError(`No root key: set UKO_ROOT_KEY or UKO_ROOT_KEY_FILE as for the gateway, or UKO_DATA_DIR to its data directory`);
  }
  rootKey = loadRootKey(config).key;
} catch (error) {
  console.error(error instanceof ConfigError || error instanceof RootKeyError ? error.message : String(error));
  process.exit(2);
}
const { db, provider } = createDb(config.databaseUrl);
try {
  const audit = new AuditLog(db, provider, { rootKey, checkpointFile: join(config.dataDir, CHECKPOINT_FILE) });
  const result = await audit.verify(process.argv.slice(2));
  if (result.ok) {
    console.log(`audit chain intact: ${result.events} events, ${result.checkpoints} signed checkpoints hold`);
  } else {
    const where = result.firstBadSeq === null ? "" : ` at event #${result.firstBadSeq}${result.firstBadId ? ` (${result.firstBadId})` : ""}`;
    console.log(`audit chain BROKEN${where}: ${result.problem}; ${result.events} events checked`);
    process.exitCode = 1;
  }
} finally {
  await db.$disconnect();
}
