import type { Db } from "../db/client.js";
import { isUuid } from "../validation.js";
import type { Permission } from "./permissions.js";

/**
 * The access rule of every root field of the schema. The guard (guard.ts) refuses to build a
 * schema with a root field missing here, so a new operation cannot ship without a rule.
 *
 * - `authenticated`: any valid token (nothing vault-bound is revealed).
 * - `administrator`: the instance administrator only.
 * - a permission with `vault`: the field acts in one vault, found from its arguments; an object in
 *   a vault the caller cannot read is reported exactly as one that does not exist.
 * - a permission with `list`: the resolver filters by `ctx.actor.vaultsWith(permission)`.
 */
/**
 * Finds the vault a field acts in: its id; undefined when the object does not exist; "*" for no
 * particular vault; "malformed" when the id is not even a UUID (then the service's own validation
 * answers, naming the field, which reveals nothing about any vault).
 */
export type VaultLocator = (args: any, db: Db) => Promise<string | undefined>;
export const MALFORMED = "malformed";

export interface Rule {
  permission: Permission | "authenticated" | "administrator";
  /** Finds the vault the field acts in; undefined when the object does not exist. */
  vault?: VaultLocator;
  /** How a query field reports an object that is not visible: null, as for a missing one. */
  list?: true;
  /** The resource and input path a mutation's NotFoundError names. */
  notFound?: { resource: string; path: string[]; id: (args: any) => string };
  /** The permission holds in at least one vault (a test of unsaved keystore properties). */
  anyVault?: true;
  /** The UKO-style audit action of a mutation. */
  action?: string;
}

const byId = (table: "keystore" | "keyTemplate" | "managedKey") => (id: unknown) => async (db: Db) => {
  if (typeof id !== "string" || !isUuid(id)) return MALFORMED;
  const row = await (db[table] as any).findUnique({ where: { id }, select: { vaultId: true } });
  return (row?.vaultId as string | undefined) ?? undefined;
};
const vaultById = async (id: unknown, db: Db) => {
  if (typeof id !== "string" || !isUuid(id)) return MALFORMED;
  return (await db.vault.findUnique({ where: { id }, select: { id: true } })) ? id : undefined;
};

const keystore: VaultLocator = (a, db) => byId("keystore")(a.input?.id ?? a.id)(db);
const template: VaultLocator = (a, db) => byId("keyTemplate")(a.input?.id ?? a.id)(db);
const key: VaultLocator = (a, db) => byId("managedKey")(a.input?.id ?? a.id)(db);
const inputVault: VaultLocator = (a, db) => vaultById(a.input?.vaultId, db);
const argVault: VaultLocator = (a, db) => vaultById(a.vaultId ?? a.id, db);

const nf = (resource: string, field: "id" | "vaultId" = "id") => ({ resource, path: ["input", field], id: (a: any) => String(a.input?.[field]) });

export const RULES: Record<"Query" | "Mutation" | "Subscription", Record<string, Rule>> = {
  Query: {
    me: { permission: "authenticated" },
    keystoreTypes: { permission: "authenticated" },
    keystoreCostEstimate: { permission: "authenticated" },
    vault: { permission: "read", vault: argVault },
    vaults: { permission: "read", list: true },
    keystore: { permission: "read", vault: keystore },
    keystores: { permission: "read", list: true },
    keyTemplate: { permission: "read", vault: template },
    keyTemplates: { permission: "read", list: true },
    managedKey: { permission: "read", vault: key },
    managedKeys: { permission: "read", list: true },
    accessTokens: { permission: "administrator" },
    auditEvents: { permission: "read", list: true },
    auditChain: { permission: "administrator" },
  },
  Mutation: {
    createVault: { permission: "administrator", action: "vaults.create" },
    updateVault: { permission: "administrator", action: "vaults.update" },
    deleteVault: { permission: "administrator", action: "vaults.delete" },
    createAccessToken: { permission: "administrator", action: "access-tokens.create" },
    revokeAccessToken: { permission: "administrator", action: "access-tokens.revoke" },
    grantVaultRole: { permission: "administrator", action: "vault-roles.grant" },
    revokeVaultRole: { permission: "administrator", action: "vault-roles.revoke" },
    connectKeystore: { permission: "keystores.write", vault: inputVault, notFound: nf("vault", "vaultId"), action: "target-keystores.create" },
    updateKeystore: { permission: "keystores.write", vault: keystore, notFound: nf("keystore"), action: "target-keystores.update" },
    disconnectKeystore: { permission: "keystores.write", vault: keystore, notFound: nf("keystore"), action: "target-keystores.delete" },
    refreshKeystoreStatus: { permission: "keystores.write", vault: keystore, notFound: nf("keystore"), action: "target-keystores.refresh" },
    repairKeystore: { permission: "keystores.write", vault: keystore, notFound: nf("keystore"), action: "target-keystores.repair" },
    testKeystoreConnection: {
      permission: "keystores.write",
      // With a keystoreId it acts in that keystore's vault; with unsaved properties, in none.
      vault: async (a, db) => (a.input?.keystoreId ? byId("keystore")(a.input.keystoreId)(db) : "*"),
      notFound: { resource: "keystore", path: ["input", "keystoreId"], id: (a) => String(a.input?.keystoreId) },
      anyVault: true,
      action: "target-keystores.test",
    },
    createKeyTemplate: { permission: "templates.write", vault: inputVault, notFound: nf("vault", "vaultId"), action: "key-templates.create" },
    updateKeyTemplate: { permission: "templates.write", vault: template, notFound: nf("key template"), action: "key-templates.update" },
    archiveKeyTemplate: { permission: "templates.write", vault: template, notFound: nf("key template"), action: "key-templates.archive" },
    unarchiveKeyTemplate: { permission: "templates.write", vault: template, notFound: nf("key template"), action: "key-templates.unarchive" },
    deleteKeyTemplate: { permission: "templates.write", vault: template, notFound: nf("key template"), action: "key-templates.delete" },
    createManagedKey: { permission: "keys.create", vault: inputVault, notFound: nf("vault", "vaultId"), action: "managed-keys.create" },
    rotateManagedKey: { permission: "keys.rotate", vault: key, notFound: nf("managed key"), action: "managed-keys.rotate" },
    activateManagedKey: { permission: "keys.deploy", vault: key, notFound: nf("managed key"), action: "managed-keys.activate" },
    deactivateManagedKey: { permission: "keys.deploy", vault: key, notFound: nf("managed key"), action: "managed-keys.deactivate" },
    alignManagedKeyWithTemplate: { permission: "keys.deploy", vault: key, notFound: nf("managed key"), action: "managed-keys.align" },
    syncManagedKey: { permission: "keys.deploy", vault: key, notFound: nf("managed key"), action: "managed-keys.sync" },
    destroyManagedKey: { permission: "keys.destroy", vault: key, notFound: nf("managed key"), action: "managed-keys.destroy" },
    deleteManagedKey: { permission: "keys.destroy", vault: key, notFound: nf("managed key"), action: "managed-keys.delete" },
  },
  Subscription: {
    managedKeyChanged: { permission: "read", vault: argVault },
    keystoreStatusChanged: { permission: "read", vault: argVault },
  },
};
