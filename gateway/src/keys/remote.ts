import type { ConnectorHost, KeyOperations } from "@uko/connector-sdk";
import { ConnectorError } from "@uko/connector-sdk";
import type { SessionPool } from "../connectors/sessions.js";

export interface KeystoreRow {
  id: string;
  name: string;
  type: string;
  properties: string;
  sealedSecrets: Uint8Array | null;
}

/**
 * Runs key operations against one keystore on its pooled session, each under the operation's
 * budget and every remote call under its own deadline, with the keystore's secrets redacted from
 * anything the connector logs.
 */
export class KeystoreCaller {
  constructor(private readonly o: { sessions: SessionPool; connectorTimeoutMs: number; connectorCallTimeoutMs?: number }) {}

  run<T>(keystore: KeystoreRow, work: (keys: KeyOperations, host: ConnectorHost) => Promise<T>, operation?: string): Promise<T> {
    const options = { timeoutMs: this.o.connectorTimeoutMs, ...(this.o.connectorCallTimeoutMs ? { callTimeoutMs: this.o.connectorCallTimeoutMs } : {}), ...(operation ? { operation } : {}) };
    return this.o.sessions.run(keystore, options, (session, host) => {
      if (!session.keys) throw new ConnectorError("UNSUPPORTED", `The ${keystore.type} connector cannot manage keys`);
      return work(session.keys, host);
    });
  }
}
