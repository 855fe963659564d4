import type { Builder, Types } from "../../builder.js";
import type { Context } from "../../context.js";
import type { ConnectorRegistry } from "../../connectors/registry.js";
import {
  DuplicateNameError,
  ImmutablePropertiesError,
  KeystoreAlreadyConnectedError,
  KeystoreRepairError,
  NotFoundError,
  PropertiesChangeRefusedError,
  ValidationError,
  VersionConflictError,
} from "../../errors.js";
import { KeystoreHasKeysError, KeystoreReleaseError } from "../../keys/errors.js";
import type { defineKeystoreObjects, KeystoreRow } from "./keystore.js";
import type { defineVaults } from "../vault/vault.js";
import { connectionType, pageArgs, type Common } from "../common.js";
import type { definePropertiesInput } from "./properties-input.js";
import type { ConnectionTestResult } from "../../keystores/connection-test.js";

type PropertiesInput = ReturnType<typeof definePropertiesInput>;

/** What a refusal may say about other vaults: only what the caller can read. */
const canRead = (ctx: Context) => (vaultId: string) => ctx.actor.can(vaultId, "read");

/** Keystore queries and mutations. */
export function defineKeystoreOperations(
  builder: Builder,
  common: Common,
  registry: ConnectorRegistry,
  refs: ReturnType<typeof defineKeystoreObjects> & { resultNames: ReturnType<typeof defineVaults>["resultNames"] },
  properties: PropertiesInput,
) {
  const { Keystore, ConnectionTest, Health, resultNames } = refs;
  const KeystoreConnection = connectionType<KeystoreRow>(builder, common, "Keystore", Keystore, "keystore");
  const OrderField = builder.enumType("KeystoreOrderField", {
    description: "What keystores can be ordered by.",
    values: {
      NAME: { value: "name", description: "Name." },
      TYPE: { value: "type", description: "Keystore type." },
      CREATED_AT: { value: "createdAt", description: "When connected." },
      UPDATED_AT: { value: "updatedAt", description: "Last edit." },
    },
  });
  const Order = builder.inputType("KeystoreOrder", {
    description: "Order of a keystore list.",
    fields: (t) => ({
      field: t.field({ type: OrderField, required: true, description: "The field." }),
      direction: t.field({ type: common.SortDirection, defaultValue: "asc", description: "The direction." }),
    }),
  });
  const Filter = builder.inputType("KeystoreFilter", {
    description: "Which keystores to list; all conditions must hold.",
    fields: (t) => ({
      vaultId: t.id({ description: "In this vault." }),
      type: t.string({ description: "Of this keystore type, e.g. aws_kms." }),
      group: t.string({ description: "In this keystore group." }),
      health: t.field({ type: Health, description: "With this health." }),
      namePrefix: t.string({ description: "Names that begin with this text." }),
    }),
  });

  builder.queryFields((t) => ({
    keystore: t.field({
      type: Keystore,
      nullable: true,
      description: "One keystore by id; null when there is none.",
      args: { id: t.arg.id({ required: true, description: "The keystore's id." }) },
      resolve: (_, { id }, ctx) => ctx.services.keystores.get(String(id)),
    }),
    keystores: t.field({
      type: KeystoreConnection,
      description: "Keystores across the vaults, a page at a time.",
      args: { ...pageArgs(t), filter: t.arg({ type: Filter, description: "Narrows the list." }), orderBy: t.arg({ type: Order, description: "Default: by name." }) },
      resolve: (_, args, ctx) =>
        ctx.services.keystores.list({
          visibleVaults: ctx.actor.vaultsWith("read"),
          first: args.first,
          after: args.after,
          filter: args.filter ? { ...args.filter, vaultId: args.filter.vaultId == null ? null : String(args.filter.vaultId) } : null,
          orderBy: args.orderBy ? { field: args.orderBy.field, direction: args.orderBy.direction ?? "asc" } : null,
        }),
    }),
  }));

  const NAME_RULE = "1-100 characters; starts with a letter or digit, then letters, digits, spaces, . - _. Unique in the vault.";
  const base = (t: PothosSchemaTypes.InputFieldBuilder<Types, "InputObject">) => ({
    description: t.string({ description: "Up to 200 characters." }),
    groups: t.stringList({ description: "Keystore groups (each 2-128 characters)." }),
  });

  const UpdateInput = builder.inputType("UpdateKeystoreInput", {
    description: "Changes to a keystore. Omitted fields keep their value, and so does an omitted secret; locked properties cannot change.",
    fields: (t) => ({
      id: t.id({ required: true, description: "The keystore." }),
      expectedVersion: t.int({ required: true, description: "The version you read." }),
      name: t.string({ description: NAME_RULE }),
      ...base(t),
      ...(properties ? { properties: t.field({ type: properties.KeystorePropertiesInput, description: "Properties to change." }) } : {}),
    }),
  });
  const DisconnectMode = builder.enumType("KeystoreDisconnectMode", {
    description: "What disconnecting does to the managed keys in the keystore.",
    values: {
      RESTRICT: { description: "Refuse while a key that is neither pre-active nor destroyed targets the keystore (the default)." },
      DISCONNECT: { description: "Leave the keys' copies in the keystore as they are; the gateway stops managing them there." },
      DEACTIVATE: { description: "Disable every key's copy in the keystore first; refuse if one cannot be disabled." },
      DESTROY: { description: "Schedule the deletion of every key's copy in the keystore first; refuse if one cannot be scheduled. The keys stay in their other keystores." },
    },
  });
  const DisconnectInput = builder.inputType("DisconnectKeystoreInput", {
    description: "The keystore to disconnect. The remote keystore itself is left in place.",
    fields: (t) => ({
      id: t.id({ required: true, description: "The keystore." }),
      expectedVersion: t.int({ required: true, description: "The version you read." }),
      mode: t.field({ type: DisconnectMode, defaultValue: "RESTRICT", description: "What happens to the managed keys in it (default RESTRICT)." }),
    }),
  });
  const RefreshInput = builder.inputType("RefreshKeystoreStatusInput", {
    description: "The keystore to check now.",
    fields: (t) => ({ id: t.id({ required: true, description: "The keystore." }) }),
  });
  const RepairInput = builder.inputType("RepairKeystoreInput", {
    description: "The keystore to repair.",
    fields: (t) => ({ id: t.id({ required: true, description: "The keystore." }) }),
  });
  const TestInput = builder.inputType("TestKeystoreConnectionInput", {
    description: "What to test: properties not yet saved, or a connected keystore.",
    isOneOf: true,
    fields: (t) => ({
      ...(properties ? { properties: t.field({ type: properties.KeystorePropertiesInput, description: "Properties to test; nothing is saved or created." }) } : {}),
      keystoreId: t.id({ description: "A connected keystore; the outcome becomes its status." }),
    }),
  });

  const RefreshResult = builder.objectRef<{ keystore: KeystoreRow; test: ConnectionTestResult }>("KeystoreStatusRefresh").implement({
    description: "A keystore checked just now.",
    fields: (t) => ({
      keystore: t.field({ type: Keystore, description: "The keystore, with its new status.", resolve: (r) => r.keystore }),
      test: t.field({ type: ConnectionTest, description: "The test that was run.", resolve: (r) => r.test }),
    }),
  });

  const toGiven = (value: unknown) => (value == null || !properties ? undefined : properties.toGiven(value as never));

  builder.mutationFields((t) => ({
    ...(properties
      ? {
          connectKeystore: t.field({
            type: Keystore,
            description:
              "Connects an external keystore: runs its connector's first-connect step and a connection test, and saves it with the test's outcome as its status. A failing test does not prevent connecting.",
            args: {
              input: t.arg({
                type: builder.inputType("ConnectKeystoreInput", {
                  description: "A keystore to connect.",
                  fields: (f) => ({
                    vaultId: f.id({ required: true, description: "The vault it will belong to." }),
                    name: f.string({ required: true, description: NAME_RULE }),
                    ...base(f),
                    properties: f.field({ type: properties.KeystorePropertiesInput, required: true, description: "Its connection properties." }),
                  }),
                }),
                required: true,
                description: "The keystore.",
              }),
            },
            errors: { types: [ValidationError, NotFoundError, DuplicateNameError, KeystoreAlreadyConnectedError], ...resultNames("ConnectKeystore", "keystore") },
            resolve: (_, { input }, ctx) =>
              ctx.services.keystores.connect({ ...input, vaultId: String(input.vaultId), properties: toGiven(input.properties)! }, canRead(ctx)) as Promise<KeystoreRow>,
          }),
        }
      : {}),
    updateKeystore: t.field({
      type: Keystore,
      description: "Edits a keystore. Changed properties are tested again and the outcome becomes its status.",
      args: { input: t.arg({ type: UpdateInput, required: true, description: "The changes." }) },
      errors: { types: [ValidationError, NotFoundError, VersionConflictError, DuplicateNameError, ImmutablePropertiesError, KeystoreAlreadyConnectedError, PropertiesChangeRefusedError], ...resultNames("UpdateKeystore", "keystore") },
      resolve: (_, { input }, ctx) =>
        ctx.services.keystores.update({ ...input, id: String(input.id), properties: toGiven((input as { properties?: unknown }).properties) }, canRead(ctx)) as Promise<KeystoreRow>,
    }),
    disconnectKeystore: t.field({
      type: Keystore,
      description: "Disconnects a keystore; `mode` says what happens to the managed keys in it. Returns it as it was.",
      args: { input: t.arg({ type: DisconnectInput, required: true, description: "The keystore." }) },
      errors: { types: [NotFoundError, VersionConflictError, KeystoreHasKeysError, KeystoreReleaseError], ...resultNames("DisconnectKeystore", "keystore") },
      resolve: async (_, { input }, ctx) => ({ ...(await ctx.services.keystores.disconnect({ ...input, id: String(input.id) })), groups: [] }),
    }),
    testKeystoreConnection: t.field({
      type: ConnectionTest,
      description: "Tests reachability, authentication and permissions, of unsaved properties or of a connected keystore.",
      args: { input: t.arg({ type: TestInput, required: true, description: "What to test." }) },
      errors: { types: [ValidationError, NotFoundError], ...resultNames("TestKeystoreConnection", "test") },
      resolve: (_, { input }, ctx) => {
        const given = toGiven((input as { properties?: unknown }).properties);
        return given ? ctx.services.keystores.testProperties(given, ctx.actor.vaultsWith("read")) : ctx.services.keystores.refreshStatus(String(input.keystoreId));
      },
    }),
    repairKeystore: t.field({
      type: Keystore,
      description:
        "Runs the keystore type's repair action (KeystoreType.capabilities.repair, e.g. Azure's \"Recreate import key\"): the connector makes what connecting set up in the remote system ready again — recovers, enables or recreates it — then the keystore is checked and the outcome becomes its status. Idempotent. Refused with KeystoreRepairError when the type has no repair action or the connector cannot repair it.",
      args: { input: t.arg({ type: RepairInput, required: true, description: "The keystore." }) },
      errors: { types: [NotFoundError, KeystoreRepairError], ...resultNames("RepairKeystore", "keystore") },
      resolve: (_, { input }, ctx) => ctx.services.keystores.repair(String(input.id)) as Promise<KeystoreRow>,
    }),
    refreshKeystoreStatus: t.field({
      type: RefreshResult,
      description: "Checks a keystore now and records its status.",
      args: { input: t.arg({ type: RefreshInput, required: true, description: "The keystore." }) },
      errors: { types: [NotFoundError], ...resultNames("RefreshKeystoreStatus", "refresh") },
      resolve: async (_, { input }, ctx) => {
        const test = await ctx.services.keystores.refreshStatus(String(input.id));
        return { test, keystore: (await ctx.services.keystores.get(String(input.id)))! };
      },
    }),
  }));
  void registry;
}
