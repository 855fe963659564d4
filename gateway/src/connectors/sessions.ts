import { createHash } from "node:crypto";
import { ConnectorError, createRedactingLogger, type ConnectorHost, type ConnectorLogger, type ConnectorSession, type PropertyValues } from "@uko/connector-sdk";
import type { RootKey } from "../crypto/seal.js";
import { openSecrets, secretStrings } from "../keystores/properties.js";
import { withHost, type InvokeOptions } from "./invoke.js";
import { openSession } from "./open-session.js";
import type { ConnectorRegistry, LoadedConnector } from "./registry.js";

/** The columns of a connected keystore that decide its session. */
export interface KeystoreConnection {
  id: string;
  type: string;
  properties: string;
  sealedSecrets: Uint8Array | null;
}

interface Entry {
  /** Digest of the type and the stored properties (sealed secrets included): a new one after every property change. */
  readonly version: string;
  readonly connector: LoadedConnector;
  /** The keystore's secret values, for redaction. */
  readonly secrets: readonly string[];
  readonly properties: PropertyValues;
  session?: Promise<ConnectorSession>;
  /** Operations running on the session; a retired session closes when the last one ends. */
  users: number;
  retired: boolean;
}

/**
 * One connector session per connected keystore and version of its properties, opened by the first
 * operation that needs it and reused by every later one, so a connector can cache what is costly
 * (tokens, import jobs, clients). A session is closed when the keystore's properties change
 * (`retire`, and lazily when a row with other properties arrives), when the keystore is
 * disconnected (`retire`) and when the gateway stops (`closeAll`); operations running on it finish
 * first. A session that fails to open is not kept: the next operation tries again.
 */
export class SessionPool {
  private readonly entries = new Map<string, Entry>();
  private closed = false;

  constructor(private readonly o: { registry: ConnectorRegistry; rootKey: RootKey; logger: ConnectorLogger }) {}

  /** Runs `work` on the keystore's session, under the operation's budget. */
  run<T>(keystore: KeystoreConnection, options: Omit<InvokeOptions, "logger">, work: (session: ConnectorSession, host: ConnectorHost) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new ConnectorError("UNAVAILABLE", "The gateway is shutting down"));
    const connector = this.o.registry.get(keystore.type);
    if (!connector) return Promise.reject(new ConnectorError("UNSUPPORTED", `No connector for keystore type "${keystore.type}" is loaded`));
    const entry = this.entryFor(keystore, connector);
    entry.users++;
    return withHost(connector, entry.secrets, { ...options, logger: this.o.logger }, async (host) => work(await this.sessionOf(entry, host), host)).finally(() => {
      entry.users--;
      if (entry.retired && entry.users === 0) this.close(entry);
    });
  }

  /** Closes the keystore's session (after the operations running on it): its properties changed or it is gone. */
  retire(keystoreId: string): void {
    const entry = this.entries.get(keystoreId);
    if (!entry) return;
    this.entries.delete(keystoreId);
    entry.retired = true;
    if (entry.users === 0) this.close(entry);
  }

  /** Whether a session for this keystore is open (or opening); for tests and metrics. */
  has(keystoreId: string): boolean {
    return this.entries.get(keystoreId)?.session !== undefined;
  }

  /** Refuses new operations and closes every session; waits for the closes, not for running operations. */
  async closeAll(): Promise<void> {
    this.closed = true;
    const all = [...this.entries.keys()];
    for (const id of all) this.retire(id);
    await Promise.all(this.closing);
  }

  private readonly closing = new Set<Promise<void>>();

  private entryFor(keystore: KeystoreConnection, connector: LoadedConnector): Entry {
    const version = versionOf(keystore);
    const current = this.entries.get(keystore.id);
    if (current?.version === version) return current;
    // Another version of the properties: the old session goes, as soon as nothing runs on it.
    if (current) this.retire(keystore.id);
    const secrets = openSecrets(this.o.rootKey, keystore.id, keystore.sealedSecrets);
    const entry: Entry = {
      version,
      connector,
      secrets: secretStrings(secrets),
      properties: { ...(JSON.parse(keystore.properties) as PropertyValues), ...secrets },
      users: 0,
      retired: false,
    };
    this.entries.set(keystore.id, entry);
    return entry;
  }

  private sessionOf(entry: Entry, host: ConnectorHost): Promise<ConnectorSession> {
    if (!entry.session) {
      entry.session = openSession(entry.connector, entry.properties, host);
      // Not kept when it fails: the next operation opens a new one.
      entry.session.catch(() => {
        entry.session = undefined;
      });
    }
    return entry.session;
  }

  private close(entry: Entry): void {
    const opening = entry.session;
    entry.session = undefined;
    if (!opening) return;
    const done = opening
      .then((session) => session.close?.())
      .catch((error: unknown) => createRedactingLogger(this.o.logger, entry.secrets).warn("connector session close failed", { type: entry.connector.definition.type, error }))
      .finally(() => this.closing.delete(done));
    this.closing.add(done);
  }
}

/** Changes whenever the stored properties do (re-sealing secrets changes their ciphertext too). */
function versionOf(keystore: KeystoreConnection): string {
  return createHash("sha256")
    .update(keystore.type)
    .update("\0")
    .update(keystore.properties)
    .update("\0")
    .update(keystore.sealedSecrets ?? new Uint8Array(0))
    .digest("hex");
}
