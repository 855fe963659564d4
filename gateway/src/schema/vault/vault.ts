import type { Builder } from "../../builder.js";
import type { Db } from "../../db/client.js";
import { NotFoundError, ValidationError, VaultNotEmptyError, VersionConflictError } from "../../errors.js";
import { connectionType, pageArgs, type Common } from "../common.js";

export type VaultRow = NonNullable<Awaited<ReturnType<Db["vault"]["findUnique"]>>>;

/** Vaults: type, queries, mutations. */
export function defineVaults(builder: Builder, common: Common) {
  const Vault = builder.objectRef<VaultRow>("Vault").implement({
    description: "The unit of access control: every keystore, key template and managed key belongs to exactly one vault.",
    fields: (t) => ({
      id: t.exposeID("id", { description: "UUID." }),
      name: t.exposeString("name", { description: "1 to 100 characters." }),
      description: t.exposeString("description", { description: "Up to 200 characters." }),
      version: t.exposeInt("version", { description: "Incremented on every change; pass it as expectedVersion." }),
      createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was created." }),
      updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When it last changed." }),
    }),
  });

  const VaultConnection = connectionType<VaultRow>(builder, common, "Vault", Vault, "vault");
  const VaultOrderField = builder.enumType("VaultOrderField", {
    description: "What vaults can be ordered by.",
    values: {
      NAME: { value: "name", description: "Name." },
      CREATED_AT: { value: "createdAt", description: "Creation time." },
      UPDATED_AT: { value: "updatedAt", description: "Last change." },
    },
  });
  const VaultOrder = builder.inputType("VaultOrder", {
    description: "Order of a vault list.",
    fields: (t) => ({
      field: t.field({ type: VaultOrderField, required: true, description: "The field." }),
      direction: t.field({ type: common.SortDirection, defaultValue: "asc", description: "The direction." }),
    }),
  });
  const VaultFilter = builder.inputType("VaultFilter", {
    description: "Which vaults to list.",
    fields: (t) => ({ namePrefix: t.string({ description: "Names that begin with this text (case-sensitive)." }) }),
  });

  builder.queryFields((t) => ({
    vault: t.field({
      type: Vault,
      nullable: true,
      description: "One vault by id; null when there is none.",
      args: { id: t.arg.id({ required: true, description: "The vault's id." }) },
      resolve: (_, { id }, ctx) => ctx.services.vaults.get(String(id)),
    }),
    vaults: t.field({
      type: VaultConnection,
      description: "Vaults, a page at a time.",
      args: {
        ...pageArgs(t),
        filter: t.arg({ type: VaultFilter, description: "Narrows the list." }),
        orderBy: t.arg({ type: VaultOrder, description: "Default: by name, ascending." }),
      },
      resolve: (_, args, ctx) =>
        ctx.services.vaults.list({
          visibleVaults: ctx.actor.vaultsWith("read"),
          first: args.first,
          after: args.after,
          namePrefix: args.filter?.namePrefix,
          orderBy: args.orderBy ? { field: args.orderBy.field, direction: args.orderBy.direction ?? "asc" } : null,
        }),
    }),
  }));

  const CreateVaultInput = builder.inputType("CreateVaultInput", {
    description: "A new vault.",
    fields: (t) => ({
      name: t.string({ required: true, description: "1 to 100 characters: letters, digits, spaces and #@!$%'_-." }),
      description: t.string({ description: "Up to 200 characters." }),
    }),
  });
  const UpdateVaultInput = builder.inputType("UpdateVaultInput", {
    description: "Changes to a vault; omitted fields keep their value.",
    fields: (t) => ({
      id: t.id({ required: true, description: "The vault." }),
      expectedVersion: t.int({ required: true, description: "The version you read; a stale one is refused." }),
      name: t.string({ description: "New name." }),
      description: t.string({ description: "New description." }),
    }),
  });
  const DeleteVaultInput = builder.inputType("DeleteVaultInput", {
    description: "The vault to delete; it must be empty.",
    fields: (t) => ({
      id: t.id({ required: true, description: "The vault." }),
      expectedVersion: t.int({ required: true, description: "The version you read." }),
    }),
  });

  const resultNames = (name: string, dataField: string) => ({
    result: { name: `${name}Success`, description: `${name} succeeded.` },
    union: { name: `${name}Result`, description: `The outcome of ${name.charAt(0).toLowerCase() + name.slice(1)}.` },
    dataField: { name: dataField, description: "The resource." },
  });

  builder.mutationFields((t) => ({
    createVault: t.field({
      type: Vault,
      description: "Creates a vault.",
      args: { input: t.arg({ type: CreateVaultInput, required: true, description: "The vault." }) },
      errors: { types: [ValidationError], ...resultNames("CreateVault", "vault") },
      resolve: (_, { input }, ctx) => ctx.services.vaults.create(input),
    }),
    updateVault: t.field({
      type: Vault,
      description: "Renames or redescribes a vault.",
      args: { input: t.arg({ type: UpdateVaultInput, required: true, description: "The changes." }) },
      errors: { types: [ValidationError, NotFoundError, VersionConflictError], ...resultNames("UpdateVault", "vault") },
      resolve: (_, { input }, ctx) => ctx.services.vaults.update({ ...input, id: String(input.id) }),
    }),
    deleteVault: t.field({
      type: Vault,
      description: "Deletes an empty vault. Returns the vault as it was.",
      args: { input: t.arg({ type: DeleteVaultInput, required: true, description: "The vault." }) },
      errors: { types: [NotFoundError, VersionConflictError, VaultNotEmptyError], ...resultNames("DeleteVault", "vault") },
      resolve: (_, { input }, ctx) => ctx.services.vaults.delete({ ...input, id: String(input.id) }),
    }),
  }));

  return { Vault, resultNames };
}
