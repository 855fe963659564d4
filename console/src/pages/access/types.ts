import type { VaultRole } from "../../auth/me.ts";

/** An access token as the tokens pages show it (never the token itself, except once at creation). */
export interface AccessToken {
  id: string;
  name: string;
  administrator: boolean;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
  roles: { role: VaultRole; vault: { id: string; name: string } | null }[];
}

export interface TokensData {
  accessTokens: AccessToken[];
  vaults: { nodes: { id: string; name: string }[] };
}
