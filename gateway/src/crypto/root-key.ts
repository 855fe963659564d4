import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { RootKey } from "./seal.js";

export interface RootKeySource {
  rootKey?: string;
  rootKeyFile?: string;
  dataDir: string;
}

export interface LoadedRootKey {
  key: RootKey;
  /** Set when this start created the key file: the one line the operator must see. */
  createdFile?: string;
}

/**
 * The root key from UKO_ROOT_KEY, UKO_ROOT_KEY_FILE, or the data directory's key file, which the
 * first start creates (owner-only) when nothing is configured.
 */
export function loadRootKey(source: RootKeySource): LoadedRootKey {
  if (source.rootKey) return { key: new RootKey(Buffer.from(source.rootKey, "base64")) };
  if (source.rootKeyFile) return { key: readKeyFile(source.rootKeyFile) };
  const file = resolve(source.dataDir, "root.key");
  if (existsSync(file)) return { key: readKeyFile(file) };
  mkdirSync(source.dataDir, { recursive: true, mode: 0o700 });
  // wx: never overwrite a key another process just wrote.
  writeFileSync(file, randomBytes(32).toString("base64") + "\n", { mode: 0o600, flag: "wx" });
  chmodSync(file, 0o600);
  return { key: readKeyFile(file), createdFile: file };
}

function readKeyFile(file: string): RootKey {
  if (!existsSync(file)) throw new RootKeyError(`The root key file ${file} does not exist`);
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) throw new RootKeyError(`The root key file ${file} is readable by others (mode ${mode.toString(8)}); run chmod 600 on it`);
  const text = readFileSync(file, "utf8").trim();
  const bytes = Buffer.from(text, "base64");
  if (bytes.length !== 32 || !/^[A-Za-z0-9+/]{43}=$/.test(text)) {
    throw new RootKeyError(`The root key file ${file} must hold 32 bytes in base64`);
  }
  return new RootKey(bytes);
}

export class RootKeyError extends Error {}
