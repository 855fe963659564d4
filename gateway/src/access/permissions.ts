/** UKO's vault roles and what each allows in its vault (uko-api.md §8, DOC:uko-manage-access). */
export type VaultRole = "READER" | "KEY_CUSTODIAN_CREATOR" | "KEY_CUSTODIAN_DEPLOYER" | "VAULT_ADMINISTRATOR";

export type Permission =
  | "read"
  | "keystores.write"
  | "templates.write"
  | "keys.create"
  | "keys.rotate"
  | "keys.deploy"
  | "keys.destroy";

export const ROLE_PERMISSIONS: Record<VaultRole, readonly Permission[]> = {
  READER: ["read"],
  KEY_CUSTODIAN_CREATOR: ["read", "keys.create", "keys.rotate"],
  KEY_CUSTODIAN_DEPLOYER: ["read", "keys.deploy"],
  // Keystores (connecting a paid one too), templates, and the irreversible end of a key's life.
  VAULT_ADMINISTRATOR: ["read", "keystores.write", "templates.write", "keys.destroy"],
};

export const VAULT_ROLES = Object.keys(ROLE_PERMISSIONS) as VaultRole[];
