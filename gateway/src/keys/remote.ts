import type { ConnectorHost, ConnectorLogger, KeyOperations, PropertyValues } from "@uko/connector-sdk";
import { ConnectorError } from "@uko/connector-sdk";
import { withSession } from "../connectors/invoke.js";
import type { ConnectorRegistry } from "../connectors/registry.js";
import type { RootKey } from "../crypto/seal.js";
import { openSecrets, secretStrings } from "../keystores/properties.js";

export interface KeystoreRow {
  id: string;
  name: string;
  type: string;
  properties: string;
  sealedSecrets: Uint8Array | null;
}

/**
 * Runs key operations against one keystore through its connector, under the connector deadline,
 * with the keystore's secrets opened only for the call and redacted from anything it logs.
 */
export class KeystoreCaller {
  constructor(
    private readonly o: { registry: ConnectorRegistry; rootKey: RootKey; logger: ConnectorLogger; connectorTimeoutMs: number },
  ) {}

  async run<T>(keystore: KeystoreRow, work: (keys: KeyOperations, host: ConnectorHost) => Promise<T>, operation?: string): Promise<T> {
    const connector = this.o.registry.get(keystore.type);
    if (!connector) throw new ConnectorError("UNSUPPORTED", `No connector for keystore type "${keystore.type}" is loaded`);
    const secrets = openSecrets(this.o.rootKey, keystore.id, keystore.sealedSecrets);
    const values = { ...(JSON.parse(keystore.properties) as PropertyValues), ...secrets };
    return withSession(connector, values, secretStrings(secrets), { timeoutMs: this.o.connectorTimeoutMs, logger: this.o.logger, ...(operation ? { operation } : {}) }, (session, host) => {
      if (!session.keys) throw new ConnectorError("UNSUPPORTED", `The ${keystore.type} connector cannot manage keys`);
      return work(session.keys, host);
    });
  }
}
