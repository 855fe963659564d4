import { linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";

/**
 * One gateway process per SQLite data directory. Two would each keep their own audit chain head
 * and lose events to each other's writes, so the second refuses to start, naming the first.
 * The lock is a file created exclusively (a hard link, which fails when it exists) holding the holder's pid and host; a file left
 * by a process that no longer runs (a crash, a SIGKILL) is taken over.
 */
export const LOCK_FILE = "gateway.lock";

export class DataDirectoryInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
    readonly host: string,
  ) {
    super(
      `The data directory ${dir} is in use by another gateway process (pid ${pid}${host === hostname() ? "" : ` on ${host}`}); ` +
        `stop it first, or give this one another UKO_DATA_DIR. (With several replicas, use PostgreSQL.) Lock file: ${join(dir, LOCK_FILE)}`,
    );
  }
}

export interface DataDirectoryLock {
  release(): void;
}

export function lockDataDirectory(dir: string): DataDirectoryLock {
  const path = join(dir, LOCK_FILE);
  const content = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      // Written whole under a name of our own, then linked into place: link() fails when the lock
      // exists, and the lock file is never seen half-written.
      const draft = `${path}.${process.pid}`;
      writeFileSync(draft, content, { mode: 0o600 });
      try {
        linkSync(draft, path);
      } finally {
        unlinkSync(draft);
      }
      return {
        release() {
          // Only our own lock: never one a later process took over.
          if (readHolder(path)?.pid === process.pid) unlinkSync(path);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = readHolder(path);
      if (holder) {
        // A process on another host (a shared volume) cannot be checked: it counts as running.
        const held = holder.host !== hostname() || holder.pid === process.pid || isRunning(holder.pid);
        if (held) throw new DataDirectoryInUseError(dir, holder.pid, holder.host);
      }
      // Left by a process that is gone (or unreadable: not a lock we wrote): stale.
      unlinkSync(path);
    }
  }
  throw new Error(`Could not take the lock ${path}: another process keeps taking it`);
}

function readHolder(path: string): { pid: number; host: string } | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as { pid?: unknown; host?: unknown };
    return typeof parsed.pid === "number" && typeof parsed.host === "string" ? { pid: parsed.pid, host: parsed.host } : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
