import type { ConnectorLogger } from "@uko/connector-sdk";
import type { ConnectorRegistry } from "./connectors/registry.js";
import { SessionPool } from "./connectors/sessions.js";
import type { RootKey } from "./crypto/seal.js";
import { AccessService } from "./access/service.js";
import { AuditLog } from "./access/audit.js";
import { StreamRegistry } from "./access/streams.js";
import type { Db, DbProvider } from "./db/client.js";
import { WorkClaims } from "./db/claims.js";
import { createEvents, type EventBus } from "./events.js";
import type { PriceList } from "./keystores/cost.js";
import { ManagedKeyService } from "./keys/service.js";
import type { InstallBackoff } from "./keys/backoff.js";
import { KeystoreService } from "./keystores/service.js";
import { TemplateService } from "./templates/service.js";
import { VaultService } from "./vaults/service.js";

/** Everything the API layer calls; resolvers stay thin and services own the rules. */
export interface Services {
  db: Db;
  registry: ConnectorRegistry;
  prices: PriceList;
  vaults: VaultService;
  keystores: KeystoreService;
  templates: TemplateService;
  keys: ManagedKeyService;
  events: EventBus;
  access: AccessService;
  audit: AuditLog;
  /** Open subscription streams, per token. */
  streams: StreamRegistry;
  /** One connector session per connected keystore; closed by Gateway.close(). */
  sessions: SessionPool;
  /** Claims on units of work (a key in a keystore, a keystore's health check), across replicas. */
  claims: WorkClaims;
}

export function createServices(o: {
  db: Db;
  provider: DbProvider;
  rootKey: RootKey;
  registry: ConnectorRegistry;
  logger: ConnectorLogger;
  connectorTimeoutMs: number;
  connectorCallTimeoutMs?: number;
  prices: PriceList;
  destroyWaitMs?: number;
  /** Concurrent subscription streams per access token (default 10). */
  maxStreamsPerToken?: number;
  /** Where the audit log's signed checkpoints go (a file in the data directory). */
  auditCheckpointFile?: string;
  /** The log that gets the audit checkpoints (a SIEM ships it); defaults to `logger`. */
  auditLogger?: ConnectorLogger;
  installBackoff?: InstallBackoff;
  clock?: { now(): Date };
  /** Carries events to the other replicas (PostgreSQL); in process when absent. */
  eventTarget?: EventTarget;
  /** How long a claim on a unit of work lasts (default: the connector budget and 30 s). */
  claimLeaseMs?: number;
  /** The name this replica's claims carry (WorkClaims.replicaName). */
  replicaName?: string;
}): Services {
  const events = createEvents(o.eventTarget);
  const sessions = new SessionPool(o);
  // A claim's lease outlasts one operation's connector budget, so it only expires when its replica died.
  const claims = new WorkClaims(o.db, { leaseMs: o.claimLeaseMs ?? o.connectorTimeoutMs + 30_000, clock: o.clock ?? { now: () => new Date() }, ...(o.replicaName ? { replica: o.replicaName } : {}) });
  const keys = new ManagedKeyService({ ...o, events, sessions, claims });
  return {
    db: o.db,
    registry: o.registry,
    prices: o.prices,
    vaults: new VaultService(o.db, o.provider),
    keystores: new KeystoreService({ ...o, events, sessions, releaseKeys: (id, mode) => keys.releaseKeystore(id, mode) }),
    templates: new TemplateService(o),
    keys,
    events,
    access: new AccessService(o.db, undefined, events),
    audit: new AuditLog(o.db, o.provider, { rootKey: o.rootKey, logger: o.auditLogger ?? o.logger, ...(o.auditCheckpointFile ? { checkpointFile: o.auditCheckpointFile } : {}) }),
    streams: new StreamRegistry(o.db, o.maxStreamsPerToken ?? 10, events),
    sessions,
    claims,
  };
}
