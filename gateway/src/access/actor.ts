import { ROLE_PERMISSIONS, type Permission, type VaultRole } from "./permissions.js";

/**
 * Who is calling, and where they may do what. The instance administrator may do everything;
 * everyone else only what their roles allow, vault by vault.
 */
export class Actor {
  private readonly byVault = new Map<string, Set<Permission>>();

  constructor(
    readonly tokenId: string,
    readonly name: string,
    readonly administrator: boolean,
    readonly roles: readonly { vaultId: string; role: VaultRole }[],
    /** When the token stops being valid (null: never); streams that outlive a request end then. */
    readonly expiresAt: Date | null = null,
  ) {
    for (const { vaultId, role } of roles) {
      const set = this.byVault.get(vaultId) ?? new Set<Permission>();
      for (const p of ROLE_PERMISSIONS[role]) set.add(p);
      this.byVault.set(vaultId, set);
    }
  }

  can(vaultId: string, permission: Permission): boolean {
    return this.administrator || (this.byVault.get(vaultId)?.has(permission) ?? false);
  }

  /** The vaults where `permission` holds; null means every vault (the administrator). */
  vaultsWith(permission: Permission): string[] | null {
    if (this.administrator) return null;
    return [...this.byVault].filter(([, set]) => set.has(permission)).map(([id]) => id);
  }
}
