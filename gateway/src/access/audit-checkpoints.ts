import { createHmac, timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * Signed checkpoints of the audit log's head, kept outside the database: a JSON line appended to
 * a file in the data directory, and the same object in a log line an operator ships to a SIEM.
 * A checkpoint says "at `at` the log held `count` events, the last one #`seq` with hash `hash`",
 * and its MAC (under a key derived from the root key, not the chain's key) proves the gateway
 * wrote it. Whoever can edit the database but holds no root key can then neither cut the end of
 * the log (the count falls short) nor rewrite it (the hash at `seq` differs).
 */
export interface Checkpoint {
  v: 1;
  count: number;
  seq: number;
  hash: string;
  at: string;
  mac: string;
}

export type Head = Omit<Checkpoint, "v" | "mac">;

/** The file name in the data directory. */
export const CHECKPOINT_FILE = "audit-checkpoints.jsonl";
/** The field a checkpoint log line carries it in (so a SIEM export can be checked as well). */
export const LOG_FIELD = "auditCheckpoint";

export class CheckpointSigner {
  constructor(private readonly key: Buffer) {}

  sign(head: Head): Checkpoint {
    return { v: 1, ...head, mac: this.mac(head) };
  }

  valid(c: Checkpoint): boolean {
    const expected = Buffer.from(this.mac(c), "hex");
    const given = Buffer.from(c.mac, "hex");
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private mac(h: Head): string {
    return createHmac("sha256", this.key).update(JSON.stringify(["uko-audit-checkpoint", 1, h.count, h.seq, h.hash, h.at])).digest("hex");
  }
}

export async function appendCheckpoint(file: string, checkpoint: Checkpoint): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await appendFile(file, `${JSON.stringify(checkpoint)}\n`, { mode: 0o600 });
}

/**
 * Reads checkpoints from a file. In the gateway's own file (`strict`) every line must be one; in
 * an exported log (not strict) lines without a checkpoint are skipped. `bad` lists the line
 * numbers that are not a checkpoint in a strict file, or whose MAC does not hold in any file.
 */
export function readCheckpoints(file: string, signer: CheckpointSigner, strict: boolean): { checkpoints: Checkpoint[]; bad: number[] } {
  const checkpoints: Checkpoint[] = [];
  const bad: number[] = [];
  if (!existsSync(file)) return { checkpoints, bad };
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((line, i) => {
      if (line.trim() === "") return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        if (strict) bad.push(i + 1);
        return;
      }
      const candidate = strict ? parsed : ((parsed as Record<string, unknown> | null)?.[LOG_FIELD] ?? undefined);
      if (candidate === undefined) return;
      if (!isCheckpoint(candidate) || !signer.valid(candidate)) bad.push(i + 1);
      else checkpoints.push(candidate);
    });
  return { checkpoints, bad };
}

function isCheckpoint(value: unknown): value is Checkpoint {
  const c = value as Checkpoint | null;
  return (
    typeof c === "object" &&
    c !== null &&
    c.v === 1 &&
    Number.isInteger(c.count) &&
    Number.isInteger(c.seq) &&
    typeof c.hash === "string" &&
    typeof c.at === "string" &&
    typeof c.mac === "string" &&
    /^[0-9a-f]{64}$/.test(c.mac)
  );
}
