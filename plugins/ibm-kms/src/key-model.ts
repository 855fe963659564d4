import type { KeySpec, RemoteKey, RemoteKeyState } from "@uko/connector-sdk";

/** A key as the Key Protect v2 API returns it (the fields this connector reads). */
export interface KpKey {
  id: string;
  name: string;
  description?: string;
  aliases?: string[];
  state: number;
  crn?: string;
  extractable: boolean;
  keyVersion?: { id: string; creationDate?: string };
  creationDate?: string;
  deleted?: boolean;
  deletionDate?: string;
  /** The root key's length, as Key Protect reports it. */
  algorithmMetadata?: { bitLength?: string; mode?: string };
}

export interface KpCollection<T> {
  metadata?: { collectionType?: string; collectionTotal?: number; totalCount?: number };
  resources?: T[];
}

export const KEY_TYPE = "application/vnd.ibm.kms.key+json";

/** Key Protect keeps a deleted key restorable for 30 days. */
export const RESTORE_WINDOW_DAYS = 30;

/** Key Protect's states (0 pre-active, 1 active, 2 suspended, 3 deactivated, 5 destroyed) in the contract's words. */
export function stateOf(key: KpKey): RemoteKeyState {
  switch (key.state) {
    case 0:
      return "pending_import";
    case 1:
      return "enabled";
    case 2:
      return "disabled";
    case 5:
      return "pending_deletion";
    default:
      // 3: deactivated (its expiration passed); it cannot be enabled again.
      return "unavailable";
  }
}

/** The alias that marks a managed copy: aliases are unique in an instance, so a copy is found by one GET. */
export function copyAlias(managedKeyId: string, version: number): string {
  return `uko-${managedKeyId.toLowerCase()}-v${version}`;
}

const ALIAS = /^uko-([0-9a-f-]{36})-v([0-9]+)$/;

export function toRemoteKey(key: KpKey, vaultOf?: (managedKeyId: string) => string | undefined): RemoteKey {
  const tags: Record<string, string> = {};
  for (const alias of key.aliases ?? []) {
    const m = ALIAS.exec(alias);
    if (m) {
      tags["uko:managed-key-id"] = m[1]!;
      tags["uko:key-version"] = m[2]!;
      const vault = vaultOf?.(m[1]!);
      if (vault) tags["uko:vault-id"] = vault;
    }
  }
  const bits = key.algorithmMetadata?.bitLength;
  const spec: KeySpec | null = bits && ["128", "192", "256"].includes(bits) ? { algorithm: "aes", size: bits } : null;
  const deletion = key.state === 5 && key.deletionDate ? new Date(Date.parse(key.deletionDate) + RESTORE_WINDOW_DAYS * 86_400_000) : undefined;
  return {
    keyId: key.id,
    ...(key.crn ? { resourceName: key.crn } : {}),
    name: key.name,
    state: stateOf(key),
    spec,
    ...(key.keyVersion?.id ? { materialVersion: key.keyVersion.id } : {}),
    ...(key.description ? { description: key.description } : {}),
    ...(key.creationDate ? { createdAt: new Date(key.creationDate) } : {}),
    ...(deletion ? { deletionDate: deletion } : {}),
    tags,
  };
}
