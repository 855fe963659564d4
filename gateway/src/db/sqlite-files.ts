import { chmodSync, closeSync, existsSync, openSync } from "node:fs";

/**
 * The SQLite database and its companions (WAL, shared memory, journal) readable by the owner only:
 * they hold sealed secrets, token hashes and the audit log. The database file is created 0600
 * before SQLite opens it, and SQLite gives the files it creates beside it the database file's
 * mode; files an older version left wider are narrowed.
 */
export function restrictSqliteFiles(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, "a", 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    if (existsSync(file)) chmodSync(file, 0o600);
  }
}
