import { createPubSub } from "graphql-yoga";

/**
 * What the gateway announces to subscribers, by vault. In process: with several replicas a
 * subscriber sees the changes its own replica makes or observes (the background rounds run on
 * every replica, so drift still reaches everyone).
 */
export type GatewayEvents = {
  "managedKey:changed": [vaultId: string, payload: { id: string }];
  "keystore:status": [vaultId: string, payload: { id: string }];
  /** A token was revoked or its roles changed: its open streams decide their access again. */
  "access:changed": [payload: { tokenId: string }];
};

export function createEvents() {
  return createPubSub<GatewayEvents>();
}

export type EventBus = ReturnType<typeof createEvents>;
