import type { InterfaceRef, ObjectRef } from "@pothos/core";
import type { Builder, Types } from "../builder.js";
import type { ManagedKeyRow } from "./key/managed-key.js";
import type { KeystoreRow } from "./keystore/keystore.js";

/**
 * Live changes over Server-Sent Events (Yoga serves a subscription on POST or GET /graphql with
 * `Accept: text/event-stream`). Each event is read fresh from the database when it is sent.
 */
export function defineSubscriptions(builder: Builder, refs: { ManagedKey: ObjectRef<Types, ManagedKeyRow>; Keystore: InterfaceRef<Types, KeystoreRow> }) {
  builder.subscriptionType({ description: "Live changes, per vault, as Server-Sent Events." });
  builder.subscriptionFields((t) => ({
    managedKeyChanged: t.field({
      type: refs.ManagedKey,
      nullable: true,
      description:
        "A managed key in the vault changed: its state, its status in a keystore (including drift the background sync found), or it was deleted (then null).",
      args: { vaultId: t.arg.id({ required: true, description: "The vault to watch." }) },
      subscribe: (_, { vaultId }, ctx) => ctx.services.events.subscribe("managedKey:changed", String(vaultId)),
      resolve: (event: { id: string }, _, ctx) => ctx.services.keys.get(event.id),
    }),
    keystoreStatusChanged: t.field({
      type: refs.Keystore,
      nullable: true,
      description: "A keystore's health or status message in the vault changed (a check found it down, or back).",
      args: { vaultId: t.arg.id({ required: true, description: "The vault to watch." }) },
      subscribe: (_, { vaultId }, ctx) => ctx.services.events.subscribe("keystore:status", String(vaultId)),
      resolve: (event: { id: string }, _, ctx) => ctx.services.keystores.get(event.id) as Promise<KeystoreRow | null>,
    }),
  }));
}
