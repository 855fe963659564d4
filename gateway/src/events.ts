import { createPubSub } from "graphql-yoga";

/**
 * What the gateway announces to subscribers, by vault. On SQLite (one process) in process; on
 * PostgreSQL through `PgEventTarget` (LISTEN/NOTIFY), so a subscriber on any replica sees what
 * every replica does, and a token's revocation ends its streams on every replica.
 */
export type GatewayEvents = {
  "managedKey:changed": [vaultId: string, payload: { id: string }];
  "keystore:status": [vaultId: string, payload: { id: string }];
  /** A token was revoked or its roles changed: its open streams decide their access again. */
  "access:changed": [payload: { tokenId: string }];
};

export function createEvents(eventTarget?: EventTarget) {
  return createPubSub<GatewayEvents>(eventTarget ? { eventTarget: eventTarget as never } : undefined);
}

export type EventBus = ReturnType<typeof createEvents>;
