import { ROLE_TEXT, type Me, type VaultRole } from "./me.ts";

/**
 * What each vault role allows, mirroring gateway/src/access/permissions.ts (roles do not nest: a
 * Vault administrator may not activate keys). The console uses it only to avoid offering an
 * action the API will refuse; the API still decides, and its FORBIDDEN message stays as it is.
 */
export type Permission = "keystores.write" | "templates.write" | "keys.create" | "keys.rotate" | "keys.deploy" | "keys.destroy" | "vaults.write";

const ROLE_PERMISSIONS: Record<VaultRole, readonly Permission[]> = {
  READER: [],
  KEY_CUSTODIAN_CREATOR: ["keys.create", "keys.rotate"],
  KEY_CUSTODIAN_DEPLOYER: ["keys.deploy"],
  VAULT_ADMINISTRATOR: ["keystores.write", "templates.write", "keys.destroy"],
};

/** The role that grants it, for the reason text; vaults (and tokens) are the administrator's alone. */
const GRANTED_BY: Record<Permission, string> = {
  "keystores.write": ROLE_TEXT.VAULT_ADMINISTRATOR,
  "templates.write": ROLE_TEXT.VAULT_ADMINISTRATOR,
  "keys.destroy": ROLE_TEXT.VAULT_ADMINISTRATOR,
  "keys.create": ROLE_TEXT.KEY_CUSTODIAN_CREATOR,
  "keys.rotate": ROLE_TEXT.KEY_CUSTODIAN_CREATOR,
  "keys.deploy": ROLE_TEXT.KEY_CUSTODIAN_DEPLOYER,
  "vaults.write": "the instance administrator",
};

function rolesIn(me: Me, vaultId: string): VaultRole[] {
  return me.roles.filter((r) => r.vault?.id === vaultId).map((r) => r.role);
}

/**
 * Why `me` may not do it in that vault, or undefined when it may. Without a vault (a "create"
 * button on a list), it is allowed when some vault allows it.
 */
export function refusal(me: Me, permission: Permission, vault?: { id: string; name: string }): string | undefined {
  if (me.administrator) return undefined;
  const needs = `needs ${GRANTED_BY[permission]}`;
  if (permission === "vaults.write") return `Only the instance administrator manages vaults.`;
  if (!vault) {
    const some = me.roles.some((r) => ROLE_PERMISSIONS[r.role]?.includes(permission));
    return some ? undefined : `Not allowed with your roles: this ${needs} in a vault.`;
  }
  const roles = rolesIn(me, vault.id);
  if (roles.some((r) => ROLE_PERMISSIONS[r]?.includes(permission))) return undefined;
  const held = roles.length ? roles.map((r) => ROLE_TEXT[r]).join(" and ") : "no role";
  return `Not allowed: you have ${held} in ${vault.name}; this ${needs}.`;
}

/** The vaults in which `me` may do it (all of them for the administrator: `undefined`). */
export function vaultsAllowing(me: Me, permission: Permission): Set<string> | undefined {
  if (me.administrator) return undefined;
  return new Set(me.roles.filter((r) => r.vault && ROLE_PERMISSIONS[r.role]?.includes(permission)).map((r) => r.vault!.id));
}
