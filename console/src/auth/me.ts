/** Who the token belongs to, as `me` answers. */
export interface Me {
  tokenId: string;
  name: string;
  administrator: boolean;
  roles: { role: VaultRole; vault: { id: string; name: string } | null }[];
}

export type VaultRole = "READER" | "KEY_CUSTODIAN_CREATOR" | "KEY_CUSTODIAN_DEPLOYER" | "VAULT_ADMINISTRATOR";

/** UKO's names for the roles. */
export const ROLE_TEXT: Record<VaultRole, string> = {
  READER: "Reader",
  KEY_CUSTODIAN_CREATOR: "Key custodian – Creator",
  KEY_CUSTODIAN_DEPLOYER: "Key custodian – Deployer",
  VAULT_ADMINISTRATOR: "Vault administrator",
};

/** "Reader in Ops; Vault administrator in Payments", or "Administrator (every vault)". */
export function describeAccess(me: Me): string {
  if (me.administrator) return "Administrator (every vault)";
  const roles = me.roles.filter((r) => r.vault).map((r) => `${ROLE_TEXT[r.role] ?? r.role} in ${r.vault!.name}`);
  return roles.length ? roles.join("; ") : "No vault roles";
}
