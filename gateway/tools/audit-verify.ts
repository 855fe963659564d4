// `npm run audit:verify`: checks the audit log's hash chain in the configured database (the same
// environment as `npm start`) and names the first event that does not hold. Exit 1 when broken.
import { AuditLog } from "../src/access/audit.js";
import { ConfigError, loadConfig } from "../src/config.js";
import { createDb } from "../src/db/client.js";

let config;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : String(error));
  process.exit(2);
}
const { db, provider } = createDb(config.databaseUrl);
try {
  const result = await new AuditLog(db, provider).verify();
  if (result.ok) {
    console.log(`audit chain intact: ${result.events} events`);
  } else {
    console.log(`audit chain BROKEN at event #${result.firstBadSeq} (${result.firstBadId}): ${result.problem}; ${result.events} events checked`);
    process.exitCode = 1;
  }
} finally {
  await db.$disconnect();
}
