import { createPrivateKey, createPublicKey } from "node:crypto";
import type { DeletedKey, KeyClient, KeyVaultKey } from "@azure/keyvault-keys";
import {
  ConnectorError,
  mapConcurrently,
  isManagedCopy,
  loadWrappingKey,
  managedCopyTags,
  MAX_COPY_SEARCH_PAGES,
  rsaAesKeyWrap,
  type ConnectorHost,
  type InstallKeyRequest,
  type KeyMaterial,
  type KeyOperations,
  type ManagedCopyRef,
  type Page,
  type PageRequest,
  type PropertyValues,
  type RemoteKey,
} from "@uko/connector-sdk";
import { KEK_NAME, readyKek } from "./kek.js";
import { azureKindFor, specOf, unsupportedReason, type AzureKeyKind } from "./key-specs.js";
import type { Vault } from "./vault-client.js";

/** Azure's soft-delete retention bounds, in days; the template's window must fit the vault's. */
export const DELETION_WINDOW_DAYS = { min: 7, max: 90 } as const;
/** Where the connector notes when a soft-deleted key is due to be purged (the template's window). */
export const PURGE_AFTER_TAG = "uko:purge-after";
const DESCRIPTION_TAG = "uko:description";
/** Key Vault pages hold at most 25 items. */
const MAX_PAGE = 25;
const DESCRIBE_CONCURRENCY = 8;
/** Poll interval for Azure's delete and recover pollers; their default of 2 s would dominate each call. */
const POLL_MS = 250;
const DAY_MS = 86_400_000;

/**
 * The managed-key operations on an Azure Key Vault (Premium). A key's id is its name; its versions
 * hold the material versions (rotation imports a new version). Every import is a BYOK transfer
 * blob wrapped for the vault's key exchange key.
 */
export class AzureKeyOperations implements KeyOperations {
  constructor(private readonly vault: Vault) {}

  async installKey(request: InstallKeyRequest, host: ConnectorHost, resumeKeyId?: string): Promise<RemoteKey> {
    const kind = kindFor(request.material);
    // An import is one atomic call in Azure: a copy that exists is complete.
    if (resumeKeyId) {
      const found = await this.describeOrNull(resumeKeyId, host);
      if (found && found.state !== "pending_deletion" && isManagedCopy(found.tags, request.copy)) return found;
    }
    await this.requireFreeName(request.name, host);
    return this.importVersion(request.name, kind, request, host);
  }

  /** Rotation imports the new material as a new version of the same key; older versions keep decrypting. */
  async rotateKey(currentKeyId: string, request: InstallKeyRequest, host: ConnectorHost): Promise<RemoteKey> {
    const kind = kindFor(request.material);
    const current = await this.describeKey(currentKeyId, host);
    if (current.state === "pending_deletion") throw new ConnectorError("CONFLICT", `The key ${currentKeyId} is deleted in Azure; recover it before rotating it`);
    // Already rotated by an interrupted attempt: its current version carries this copy's tags.
    if (isManagedCopy(current.tags, request.copy)) return current;
    return this.importVersion(currentKeyId, kind, request, host);
  }

  async describeKey(keyId: string, host: ConnectorHost): Promise<RemoteKey> {
    try {
      return this.toRemoteKey(await this.vault.call("get", host, (c, o) => c.getKey(keyId, o)));
    } catch (error) {
      if (!(error instanceof ConnectorError) || error.code !== "NOT_FOUND") throw error;
    }
    const deleted = await this.vault.call("get", host, (c, o) => c.getDeletedKey(keyId, o));
    const purgeAfter = purgeAfterOf(deleted);
    if (purgeAfter && purgeAfter.getTime() <= host.clock.now().getTime()) {
      // The template's window has passed: purge now, as the window promised.
      await this.vault.call("purge", host, (c, o) => c.purgeDeletedKey(keyId, o));
      host.logger.info("purged a deleted key after its deletion window", { keyId });
      throw new ConnectorError("NOT_FOUND", `The key ${keyId} was purged from the vault after its deletion window`);
    }
    return this.toRemoteKey(deleted, true);
  }

  async enableKey(keyId: string, host: ConnectorHost): Promise<RemoteKey> {
    await this.setEnabled(keyId, true, host);
    return this.describeKey(keyId, host);
  }

  async disableKey(keyId: string, host: ConnectorHost): Promise<RemoteKey> {
    await this.setEnabled(keyId, false, host);
    return this.describeKey(keyId, host);
  }

  /**
   * Soft-deletes the key. Azure purges it after the vault's retention; the template's window may be
   * shorter, and then the connector purges it when the window has passed (noted in a tag and done
   * the next time the key is described). A window longer than the vault keeps deleted keys cannot
   * be honoured, and is refused before anything changes.
   */
  async scheduleKeyDeletion(keyId: string, options: Readonly<PropertyValues>, host: ConnectorHost): Promise<RemoteKey> {
    const windowDays = Number(options.azure_deletion_window_days ?? DELETION_WINDOW_DAYS.max);
    if (!Number.isInteger(windowDays) || windowDays < DELETION_WINDOW_DAYS.min || windowDays > DELETION_WINDOW_DAYS.max) {
      throw new ConnectorError("UNSUPPORTED", `Azure keeps deleted keys for ${DELETION_WINDOW_DAYS.min} to ${DELETION_WINDOW_DAYS.max} days, not ${windowDays}`);
    }
    const current = await this.describeKey(keyId, host);
    if (current.state === "pending_deletion") return current;
    const key = await this.vault.call("get", host, (c, o) => c.getKey(keyId, o));
    const retention = key.properties.recoverableDays;
    if (retention === undefined || retention < windowDays) {
      throw new ConnectorError(
        "UNSUPPORTED",
        retention === undefined
          ? `The vault does not keep deleted keys (soft delete is off), so a deletion window of ${windowDays} days cannot be honoured`
          : `The vault keeps deleted keys for ${retention} days, so a deletion window of ${windowDays} days cannot be honoured; use a template window of at most ${retention} days`,
      );
    }
    const purgeAfter = new Date(host.clock.now().getTime() + windowDays * DAY_MS);
    await this.vault.call("update", host, (c, o) => c.updateKeyProperties(keyId, { ...o, tags: { ...(key.properties.tags ?? {}), [PURGE_AFTER_TAG]: purgeAfter.toISOString() } }));
    try {
      await this.vault.call("delete", host, async (c, o) => (await c.beginDeleteKey(keyId, { ...o, intervalInMs: POLL_MS })).pollUntilDone(o));
    } catch (error) {
      // A retried delete whose first attempt went through finds nothing left to delete.
      if (!(error instanceof ConnectorError && error.code === "NOT_FOUND")) throw error;
    }
    return this.describeKey(keyId, host);
  }

  /** Recovers the soft-deleted key; it comes back disabled (as every keystore does) and without the purge note. */
  async cancelKeyDeletion(keyId: string, host: ConnectorHost): Promise<RemoteKey> {
    const current = await this.describeKey(keyId, host);
    if (current.state === "pending_deletion") {
      await this.vault.call("recover", host, async (c, o) => (await c.beginRecoverDeletedKey(keyId, { ...o, intervalInMs: POLL_MS })).pollUntilDone(o));
    }
    const tags = { ...current.tags };
    delete tags[PURGE_AFTER_TAG];
    await this.vault.call("update", host, (c, o) => c.updateKeyProperties(keyId, { ...o, tags }));
    await this.setEnabled(keyId, false, host);
    return this.describeKey(keyId, host);
  }

  async listKeys(page: PageRequest, host: ConnectorHost): Promise<Page<RemoteKey>> {
    const listed = await this.listPage(page, host);
    const names = listed.items.map((p) => p.name).filter((n) => n !== KEK_NAME);
    const items = (await mapConcurrently(names, DESCRIBE_CONCURRENCY, (n) => this.describeOrNull(n, host))).filter((k): k is RemoteKey => k !== null);
    return listed.nextCursor ? { items, nextCursor: listed.nextCursor } : { items };
  }

  /** Walks the key list (tags come with it) and describes only the match. */
  async findManagedCopy(copy: ManagedCopyRef, host: ConnectorHost): Promise<RemoteKey | null> {
    let cursor: string | undefined;
    for (let pageNumber = 0; pageNumber < MAX_COPY_SEARCH_PAGES * 4; pageNumber++) {
      const listed = await this.listPage(cursor ? { cursor, limit: MAX_PAGE } : { limit: MAX_PAGE }, host);
      const match = listed.items.find((p) => isManagedCopy(p.tags, copy));
      if (match) {
        const key = await this.describeOrNull(match.name, host);
        if (key && key.state !== "pending_deletion") return key;
      }
      if (!listed.nextCursor) return null;
      cursor = listed.nextCursor;
    }
    return null;
  }

  /** Compares the key's public key with the one `material` implies: proof without export. */
  async verifyKeyMaterial(keyId: string, material: KeyMaterial, host: ConnectorHost): Promise<boolean> {
    const key = await this.vault.call("get", host, (c, o) => c.getKey(keyId, o));
    const expected = createPublicKey(createPrivateKey({ key: Buffer.from(material.bytes), format: "der", type: "pkcs8" })).export({ format: "jwk" });
    const jwk = key.key;
    if (!jwk) return false;
    const b64 = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString("base64url") : undefined);
    if (expected.kty === "RSA") return b64(jwk.n) === expected.n && b64(jwk.e) === expected.e;
    return jwk.crv === expected.crv && b64(jwk.x) === expected.x && b64(jwk.y) === expected.y;
  }

  private async listPage(page: PageRequest, host: ConnectorHost): Promise<{ items: ListedKey[]; nextCursor?: string }> {
    const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(page.limit ?? MAX_PAGE)));
    return this.vault.call("list", host, async (c, o) => {
      const next = await generatedClientOf(c)
        .getKeys({ ...o, maxresults: limit })
        .byPage(page.cursor ? { continuationToken: page.cursor } : {})
        .next();
      const raw = next.done ? [] : next.value;
      const items = raw.map((item) => ({ name: item.kid.split("/").at(-1)!, tags: item.tags ?? {} }));
      return raw.continuationToken ? { items, nextCursor: raw.continuationToken } : { items };
    });
  }

  /** Wraps the material for the vault's KEK and imports it under `name` (a new key, or a new version). */
  private async importVersion(name: string, kind: AzureKeyKind, request: InstallKeyRequest, host: ConnectorHost): Promise<RemoteKey> {
    const kek = await readyKek(this.vault, host);
    const transferBlob = transferBlobFor(kek, request.material.bytes);
    const tags: Record<string, string> = { ...managedCopyTags(request.copy, ":") };
    if (request.description) tags[DESCRIPTION_TAG] = request.description.slice(0, 256);
    try {
      const imported = await this.vault.call("import", host, (c, o) =>
        c.importKey(name, { kty: kind.kty, ...(kind.crv ? { crv: kind.crv } : {}), keyOps: kind.keyOps, t: transferBlob }, { ...o, enabled: true, tags }),
      );
      return this.toRemoteKey(imported);
    } catch (error) {
      // The KEK may have gone between the check and the import: say so rather than "bad parameter".
      if (error instanceof ConnectorError && error.code === "REMOTE_ERROR") await readyKek(this.vault, host);
      throw error;
    }
  }

  private async requireFreeName(name: string, host: ConnectorHost): Promise<void> {
    const existing = await this.describeOrNull(name, host);
    if (!existing) return;
    throw new ConnectorError(
      "CONFLICT",
      existing.state === "pending_deletion"
        ? `A deleted key named ${name} is still recoverable in the vault; recover or purge it, or choose another name`
        : `A key named ${name} already exists in the vault`,
    );
  }

  private async setEnabled(keyId: string, enabled: boolean, host: ConnectorHost): Promise<void> {
    // Every version: a disabled key must not decrypt with an older version either.
    const versions = await this.vault.call("list", host, async (c, o) => {
      const all: string[] = [];
      for await (const v of c.listPropertiesOfKeyVersions(keyId, o)) if (v.version && v.enabled !== enabled) all.push(v.version);
      return all;
    });
    await mapConcurrently(versions, DESCRIBE_CONCURRENCY, (version) => this.vault.call("update", host, (c, o) => c.updateKeyProperties(keyId, version, { ...o, enabled })));
  }

  private async describeOrNull(keyId: string, host: ConnectorHost): Promise<RemoteKey | null> {
    try {
      return await this.describeKey(keyId, host);
    } catch (error) {
      if (error instanceof ConnectorError && error.code === "NOT_FOUND") return null;
      throw error;
    }
  }

  private toRemoteKey(key: KeyVaultKey | DeletedKey, deleted = false): RemoteKey {
    const p = key.properties;
    const tags = { ...(p.tags ?? {}) };
    const purgeAfter = deleted ? (purgeAfterOf(key as DeletedKey) ?? (key as DeletedKey).properties.scheduledPurgeDate) : undefined;
    return {
      keyId: key.name,
      resourceName: `${this.vault.connection.vaultUrl}/keys/${key.name}`,
      name: key.name,
      state: deleted ? "pending_deletion" : p.enabled === false ? "disabled" : "enabled",
      spec: specOf(key),
      ...(p.version ? { materialVersion: p.version } : {}),
      ...(tags[DESCRIPTION_TAG] ? { description: tags[DESCRIPTION_TAG] } : {}),
      ...(p.createdOn ? { createdAt: p.createdOn } : {}),
      ...(purgeAfter ? { deletionDate: purgeAfter } : {}),
      tags,
    };
  }
}

interface ListedKey {
  name: string;
  tags: Record<string, string>;
}

/**
 * The generated REST client inside KeyClient. KeyClient's own `byPage` maps each page to a new
 * array and drops its `continuationToken` (keyvault-keys 4.10.2, transformations.js), so a page
 * could not be resumed; the generated client keeps it. The SDK version is pinned; the listing test
 * fails loudly if this shape changes.
 */
interface GeneratedKeyList {
  getKeys(options: { abortSignal?: AbortSignal; maxresults?: number }): {
    byPage(settings: { continuationToken?: string }): AsyncIterator<{ kid: string; tags?: Record<string, string> }[] & { continuationToken?: string }>;
  };
}

function generatedClientOf(client: KeyClient): GeneratedKeyList {
  const generated = (client as unknown as { client?: GeneratedKeyList }).client;
  if (typeof generated?.getKeys !== "function") throw new ConnectorError("REMOTE_ERROR", "This version of @azure/keyvault-keys cannot list keys page by page");
  return generated;
}

function kindFor(material: KeyMaterial): AzureKeyKind {
  const kind = azureKindFor(material.spec);
  if (!kind) throw new ConnectorError("UNSUPPORTED", unsupportedReason(material.spec));
  return kind;
}

/** The BYOK transfer blob (peers-and-byok §6.3): CKM_RSA_AES_KEY_WRAP with SHA-1 under the KEK's versioned kid. */
export function transferBlobFor(kek: KeyVaultKey, material: Uint8Array): Uint8Array {
  const jwk = kek.key;
  if (!jwk?.n || !jwk.e || !kek.id) throw new ConnectorError("REMOTE_ERROR", `Key Vault returned the key exchange key ${KEK_NAME} without its public key or id`);
  const wrappingKey = loadWrappingKey({ kty: "RSA", n: Buffer.from(jwk.n).toString("base64url"), e: Buffer.from(jwk.e).toString("base64url") });
  const blob = {
    schema_version: "1.0.0",
    header: { kid: kek.id, alg: "dir", enc: "CKM_RSA_AES_KEY_WRAP" },
    ciphertext: rsaAesKeyWrap(wrappingKey, material, "sha1").toString("base64url"),
    generator: "UKO gateway (azure_key_vault connector)",
  };
  return Buffer.from(JSON.stringify(blob), "utf8");
}

function purgeAfterOf(key: DeletedKey | KeyVaultKey): Date | undefined {
  const value = key.properties.tags?.[PURGE_AFTER_TAG];
  const date = value ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}
