import type { ConnectorLogger } from "@uko/connector-sdk";
import type { ConnectorRegistry } from "./connectors/registry.js";
import type { RootKey } from "./crypto/seal.js";
import type { Db } from "./db/client.js";
import type { PriceList } from "./keystores/cost.js";
import { KeystoreService } from "./keystores/service.js";
import { VaultService } from "./vaults/service.js";

/** Everything the API layer calls; resolvers stay thin and services own the rules. */
export interface Services {
  db: Db;
  registry: ConnectorRegistry;
  prices: PriceList;
  vaults: VaultService;
  keystores: KeystoreService;
}

export function createServices(o: {
  db: Db;
  rootKey: RootKey;
  registry: ConnectorRegistry;
  logger: ConnectorLogger;
  connectorTimeoutMs: number;
  prices: PriceList;
}): Services {
  return {
    db: o.db,
    registry: o.registry,
    prices: o.prices,
    vaults: new VaultService(o.db),
    keystores: new KeystoreService(o),
  };
}
