import { camelCase, RESERVED_PROPERTY_FIELDS, type ConnectionCheck, type PropertyDefinition } from "@uko/connector-sdk";
import type { InterfaceRef, ObjectRef } from "@pothos/core";
import type { Builder, Types } from "../../builder.js";
import type { ConnectorRegistry, LoadedConnector } from "../../connectors/registry.js";
import { ConnectorLoadError } from "../../connectors/registry.js";
import type { Db } from "../../db/client.js";
import type { AlreadyConnected, ConnectionTestResult } from "../../keystores/connection-test.js";
import type { Common } from "../common.js";
import { article } from "../text.js";
import type { VaultRow } from "../vault/vault.js";

export type KeystoreRow = NonNullable<Awaited<ReturnType<Db["keystore"]["findUnique"]>>> & { groups: { name: string }[] };

/** Fields of the Keystore interface; a connector property must not take one of these names (the SDK's check refuses them too). */
const RESERVED = new Set(RESERVED_PROPERTY_FIELDS);

/** The Keystore interface, one object type per loaded connector, and the status and test types. */
export function defineKeystoreObjects(builder: Builder, common: Common, registry: ConnectorRegistry, Vault: ObjectRef<Types, VaultRow>) {
  const Health = builder.enumType("KeystoreHealth", {
    description: "How the keystore answered its last check.",
    values: {
      OK: { description: "Reachable, authenticated, every verifiable permission granted." },
      NOT_RESPONDING: { description: "Did not answer in time, or could not be reached." },
      CONFIGURATION_ERROR: { description: "Answered, but refused the credentials or lacks permissions." },
      PENDING_CHECK: { description: "Not checked yet." },
    },
  });

  const Status = builder.objectRef<KeystoreRow>("KeystoreStatus").implement({
    description: "The keystore's health, from connection tests the gateway runs on an interval and on demand.",
    fields: (t) => ({
      health: t.field({ type: Health, description: "The verdict.", resolve: (k) => k.health }),
      message: t.string({ description: "What was found, for a person.", resolve: (k) => k.statusMessage }),
      lastHeartbeat: t.field({ type: "DateTime", nullable: true, description: "When the keystore last answered at all.", resolve: (k) => k.lastHeartbeat }),
      checkedAt: t.field({ type: "DateTime", nullable: true, description: "When it was last checked.", resolve: (k) => k.checkedAt }),
    }),
  });

  const CheckKind = builder.enumType("ConnectionCheckKind", {
    description: "What a check looked at.",
    values: {
      REACHABILITY: { value: "reachability", description: "The endpoint answered." },
      AUTHENTICATION: { value: "authentication", description: "The credentials were accepted." },
      PERMISSION: { value: "permission", description: "One permission the gateway needs." },
      CONFIGURATION: { value: "configuration", description: "Another setting." },
    },
  });
  const CheckOutcome = builder.enumType("ConnectionCheckOutcome", {
    description: "How a check ended.",
    values: {
      PASSED: { value: "passed", description: "Verified." },
      FAILED: { value: "failed", description: "Verified as missing or wrong." },
      NOT_VERIFIABLE: { value: "not_verifiable", description: "Cannot be verified without side effects in the remote system." },
      SKIPPED: { value: "skipped", description: "Not run, because an earlier check failed." },
    },
  });
  const Check = builder.objectRef<ConnectionCheck>("ConnectionCheck").implement({
    description: "One check of a connection test.",
    fields: (t) => ({
      name: t.exposeString("name", { description: "Stable id, e.g. permission:kms:ListKeys." }),
      kind: t.expose("kind", { type: CheckKind, description: "What it looked at." }),
      outcome: t.expose("outcome", { type: CheckOutcome, description: "How it ended." }),
      message: t.exposeString("message", { description: "What was found." }),
      permission: t.string({ nullable: true, description: "For permission checks, the permission.", resolve: (c) => c.permission ?? null }),
    }),
  });
  const AlreadyConnectedRef = builder.objectRef<AlreadyConnected>("AlreadyConnectedKeystore").implement({
    description: "The remote keystore is already connected to this gateway (a remote keystore is connected once, in one vault). Which keystore and vault only when you may read that vault.",
    fields: (t) => ({
      keystoreId: t.id({ nullable: true, description: "The keystore it is connected as; null when its vault is not yours to read.", resolve: (a) => a.keystoreId ?? null }),
      keystoreName: t.string({ nullable: true, description: "That keystore's name; null when its vault is not yours to read.", resolve: (a) => a.keystoreName ?? null }),
      vaultId: t.id({ nullable: true, description: "Its vault; null when not yours to read.", resolve: (a) => a.vaultId ?? null }),
      vaultName: t.string({ nullable: true, description: "Its vault's name; null when not yours to read.", resolve: (a) => a.vaultName ?? null }),
    }),
  });

  const ConnectionTest = builder.objectRef<ConnectionTestResult>("KeystoreConnectionTest").implement({
    description: "The outcome of testing a connection.",
    fields: (t) => ({
      ok: t.exposeBoolean("ok", { description: "Every check passed or could not be verified." }),
      health: t.field({ type: Health, description: "The health this outcome gives the keystore.", resolve: (r) => r.health }),
      message: t.exposeString("message", { description: "A summary for a person." }),
      checks: t.field({ type: [Check], description: "Each check.", resolve: (r) => r.checks }),
      missingPermissions: t.exposeStringList("missingPermissions", { description: "Permissions the credentials lack." }),
      testedAt: t.expose("testedAt", { type: "DateTime", description: "When it ran." }),
      account: t.string({ nullable: true, description: "The account (tenant, project) behind the credentials, when the test learned it.", resolve: (r) => r.account ?? null }),
      alreadyConnected: t.field({
        type: AlreadyConnectedRef,
        nullable: true,
        description: "Set when testing unsaved properties whose remote keystore is already connected: connecting them would be refused.",
        resolve: (r) => r.alreadyConnected ?? null,
      }),
    }),
  });

  const PropertyValue = builder.objectRef<{ def: PropertyDefinition; value: unknown; isSet: boolean }>("KeystoreProperty").implement({
    description: "One connection property of a keystore, for generic dashboards. Secrets show only whether they are set.",
    fields: (t) => ({
      name: t.string({ description: "Wire name.", resolve: (p) => p.def.name }),
      value: t.string({ nullable: true, description: "The value as text; always null for a secret.", resolve: (p) => (p.def.secret || p.value == null ? null : String(p.value)) }),
      isSet: t.exposeBoolean("isSet", { description: "Whether it has a value." }),
      secret: t.boolean({ description: "Write-only.", resolve: (p) => p.def.secret }),
      immutable: t.boolean({ description: "Locked after connect.", resolve: (p) => p.def.immutable }),
      derived: t.boolean({ description: "Computed by the connector.", resolve: (p) => p.def.derived }),
    }),
  });

  const Keystore = builder.interfaceRef<KeystoreRow>("Keystore").implement({
    description: "A connection to one external keystore. Each keystore type has its own object type with its properties as fields.",
    resolveType: (k) => `${registry.get(k.type)?.typeName ?? "Unloaded"}Keystore`,
    fields: (t) => ({
      id: t.exposeID("id", { description: "UUID." }),
      name: t.exposeString("name", { description: "Unique in the gateway." }),
      description: t.exposeString("description", { description: "Up to 200 characters." }),
      type: t.exposeString("type", { description: "The keystore type, e.g. aws_kms." }),
      groups: t.stringList({ description: "Keystore groups; key templates target a type plus a group.", resolve: (k) => k.groups.map((g) => g.name) }),
      vault: t.field({ type: Vault, description: "The vault it belongs to.", resolve: (k, _, ctx) => (k as { listedVault?: VaultRow }).listedVault ?? (ctx.loaders.vaultById.load(k.vaultId) as Promise<VaultRow>) }),
      status: t.field({ type: Status, description: "Health from the last check.", resolve: (k) => k }),
      lastConnectionTest: t.field({
        type: [Check],
        description: "The checks of the last connection test.",
        resolve: (k) => (k.lastTest ? (JSON.parse(k.lastTest) as { checks: ConnectionCheck[] }).checks : []),
      }),
      properties: t.field({
        type: [PropertyValue],
        description: "Every connection property; secret values are never shown.",
        resolve: (k) => {
          const connector = registry.get(k.type);
          const clear = clearProperties(k);
          const setSecrets = new Set(JSON.parse(k.secretNames) as string[]);
          return (connector?.definition.properties ?? []).map((def) => ({
            def,
            value: def.secret ? null : (clear[def.name] ?? null),
            isSet: def.secret ? setSecrets.has(def.name) : clear[def.name] != null,
          }));
        },
      }),
      version: t.exposeInt("version", { description: "Incremented on every edit (not on status checks); pass it as expectedVersion." }),
      createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was connected." }),
      updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When it last changed." }),
    }),
  });

  // A keystore whose connector is no longer loaded still lists, with the common fields.
  builder.objectRef<KeystoreRow>("UnloadedKeystore").implement({
    description: "A keystore whose type no loaded connector provides; add its package to UKO_CONNECTORS.",
    interfaces: [Keystore],
    fields: () => ({}),
  });
  for (const connector of registry.all()) defineTypedKeystore(builder, connector, Keystore);

  return { Keystore, ConnectionTest, Health };
}

const parsed = new WeakMap<KeystoreRow, Record<string, unknown>>();
/** A row's non-secret property values, parsed once per row however many fields read them. */
function clearProperties(k: KeystoreRow): Record<string, unknown> {
  let values = parsed.get(k);
  if (!values) parsed.set(k, (values = JSON.parse(k.properties) as Record<string, unknown>));
  return values;
}

function defineTypedKeystore(builder: Builder, connector: LoadedConnector, Keystore: InterfaceRef<Types, KeystoreRow>) {
  const shown = connector.definition.properties.filter((p) => !p.secret);
  for (const p of shown) {
    if (RESERVED.has(camelCase(p.name))) throw new ConnectorLoadError(`${connector.packageName}: property "${p.name}" clashes with the Keystore field ${camelCase(p.name)}`);
  }
  builder.objectRef<KeystoreRow>(`${connector.typeName}Keystore`).implement({
    description: `${article(connector.definition.displayName) === "an" ? "An" : "A"} ${connector.definition.displayName}: ${connector.definition.description}`,
    interfaces: [Keystore],
    fields: (t) =>
      Object.fromEntries(
        shown.map((p) => {
          const field = t.field({
            type: p.valueType === "integer" ? "Int" : p.valueType === "boolean" ? "Boolean" : "String",
            nullable: true,
            description: `${p.label}. ${p.description}${p.immutable ? " Locked after connect." : ""}${p.derived ? " Derived." : ""}`,
            resolve: (k) => (clearProperties(k)[p.name] ?? null) as never,
          });
          return [camelCase(p.name), field];
        }),
      ),
  });
}
