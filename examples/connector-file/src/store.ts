import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomUUID, scrypt, timingSafeEqual } from "node:crypto";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ConnectorError, type KeySpec, type RemoteKeyState } from "@uko/connector-sdk";
import { fileError } from "./errors.js";

/**
 * The "remote system" of this example: a directory. `keystore.json` names the keystore (its id is
 * the account the connection test reports) and holds a check value of the passphrase; each key is
 * `keys/<keyId>.json`, its material versions sealed with AES-256-GCM under a key derived from the
 * passphrase (scrypt). Nothing is ever written in clear.
 */
export interface KeyFile {
  keyId: string;
  name: string;
  spec: KeySpec;
  state: RemoteKeyState;
  description?: string;
  tags: Record<string, string>;
  createdAt: string;
  deletionDate?: string;
  /** Sealed material, oldest first; the last is current. Version ids are "1", "2", ... */
  versions: { id: string; sealed: string }[];
}

interface Marker {
  id: string;
  salt: string;
  check: string;
}

const MARKER = "keystore.json";
const CHECK_LABEL = "uko-file-keystore passphrase check";

export class FileStore {
  private sealingKey?: Promise<Buffer>;
  private marker?: Marker;
  /** Writes one after another: a session is shared by concurrent gateway calls. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly directory: string,
    private readonly passphrase: string,
  ) {}

  /** Reads keystore.json and checks the passphrase against it; UNREACHABLE without the directory. */
  async open(): Promise<Marker> {
    if (this.marker) return this.marker;
    const text = await readFile(join(this.directory, MARKER), "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw fileError(error, "reading keystore.json");
    });
    if (text === undefined) {
      await this.reachable();
      throw new ConnectorError("CONFLICT", `${this.directory} holds no keystore yet: connect it to create one`);
    }
    const marker = JSON.parse(text) as Marker;
    const key = await this.key(marker.salt);
    if (!timingSafeEqual(Buffer.from(check(key), "hex"), Buffer.from(marker.check, "hex"))) {
      this.sealingKey = undefined;
      throw new ConnectorError("AUTHENTICATION_FAILED", "The passphrase does not open this keystore", { properties: ["file_passphrase"] });
    }
    return (this.marker = marker);
  }

  /** Creates keystore.json with a fresh id and salt, unless the directory has one (idempotent). */
  async initialise(): Promise<Marker> {
    await this.reachable();
    try {
      return await this.open();
    } catch (error) {
      if (!(error instanceof ConnectorError && error.code === "CONFLICT")) throw error;
    }
    const salt = randomBytes(16).toString("hex");
    const marker: Marker = { id: randomUUID(), salt, check: check(await this.key(salt)) };
    await mkdir(join(this.directory, "keys"), { recursive: true }).catch((e: NodeJS.ErrnoException) => Promise.reject(fileError(e, "creating keys/")));
    await writeFile(join(this.directory, MARKER), JSON.stringify(marker), { flag: "wx" }).catch((e: NodeJS.ErrnoException) => Promise.reject(fileError(e, "creating keystore.json")));
    return (this.marker = marker);
  }

  async reachable(): Promise<void> {
    await readdir(this.directory).catch((error: NodeJS.ErrnoException) => Promise.reject(fileError(error, `opening ${this.directory}`)));
  }

  async seal(material: Uint8Array): Promise<string> {
    const key = await this.key((await this.open()).salt);
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    const body = Buffer.concat([cipher.update(material), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
  }

  async unseal(sealed: string): Promise<Buffer> {
    const key = await this.key((await this.open()).salt);
    const raw = Buffer.from(sealed, "base64");
    const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
  }

  async read(keyId: string): Promise<KeyFile> {
    if (!/^[0-9a-f-]{36}$/.test(keyId)) throw new ConnectorError("NOT_FOUND", `No key ${keyId} in ${this.directory}`);
    await this.open();
    const text = await readFile(this.keyPath(keyId), "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") throw new ConnectorError("NOT_FOUND", `No key ${keyId} in ${this.directory}`);
      throw fileError(error, `reading key ${keyId}`);
    });
    return JSON.parse(text) as KeyFile;
  }

  async all(): Promise<KeyFile[]> {
    await this.open();
    const names = await readdir(join(this.directory, "keys")).catch((error: NodeJS.ErrnoException) => Promise.reject(fileError(error, "listing keys/")));
    const ids = names.filter((n) => n.endsWith(".json")).map((n) => n.slice(0, -5));
    return Promise.all(ids.sort().map((id) => this.read(id)));
  }

  /** Runs `change` alone, then writes the key file it returns atomically (a temporary file renamed over it). */
  exclusive<T extends KeyFile | null>(change: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      const file = await change();
      if (file) {
        const tmp = `${this.keyPath(file.keyId)}.${randomUUID()}.tmp`;
        await writeFile(tmp, JSON.stringify(file)).catch((e: NodeJS.ErrnoException) => Promise.reject(fileError(e, `writing key ${file.keyId}`)));
        await rename(tmp, this.keyPath(file.keyId));
      }
      return file;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private keyPath(keyId: string): string {
    return join(this.directory, "keys", `${keyId}.json`);
  }

  /** The passphrase's sealing key, derived once per session: scrypt is slow on purpose. */
  private key(salt: string): Promise<Buffer> {
    this.sealingKey ??= new Promise((resolve, reject) =>
      scrypt(this.passphrase, Buffer.from(salt, "hex"), 32, { N: 16_384, r: 8, p: 1 }, (error, key) => (error ? reject(error) : resolve(key))),
    );
    return this.sealingKey;
  }
}

function check(key: Buffer): string {
  return createHmac("sha256", key).update(CHECK_LABEL).digest("hex");
}
