import { createPublicKey } from "node:crypto";
import {
  ConnectorError,
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
import { wrapForImport, type NonceCipher, type WrappedRootKey } from "./import-wrap.js";
import { copyAlias, KEY_TYPE, toRemoteKey, type KpCollection, type KpKey } from "./key-model.js";
import type { KeyProtectClient } from "./kms-client.js";

/** How long an import token lives (Key Protect allows 300 s to 24 h); one import needs seconds. */
const IMPORT_TOKEN_SECONDS = 600;

const collection = <T>(resource: T) => ({ metadata: { collectionType: KEY_TYPE, collectionTotal: 1 }, resources: [resource] });

/**
 * Root keys in a Key Protect or HPCS instance, imported with an import token (the material is
 * never sent in clear). Both services speak this API; they differ in how the nonce is encrypted
 * (`cipher`). A managed copy carries the alias `uko-<managed key id>-v<version>`: aliases are
 * unique in an instance, so finding a copy is one GET, and Key Protect has no tags.
 */
export class IbmKeyOperations implements KeyOperations {
  constructor(
    private readonly kms: KeyProtectClient,
    private readonly cipher: NonceCipher,
  ) {}

  async installKey(request: InstallKeyRequest, host: ConnectorHost, resumeKeyId?: string): Promise<RemoteKey> {
    const rootKey = rootKeyBytes(request.material);
    if (resumeKeyId) {
      const resumed = await this.describeKey(resumeKeyId, host).catch((error: unknown) => {
        if (error instanceof ConnectorError && error.code === "NOT_FOUND") return undefined;
        throw error;
      });
      if (resumed && resumed.state !== "pending_deletion") return resumed;
    }
    const wrapped = await this.wrap(rootKey, host);
    const created = await this.kms.call<KpCollection<KpKey>>(
      {
        method: "POST",
        path: "/api/v2/keys",
        headers: { prefer: "return=representation" },
        body: collection({
          type: KEY_TYPE,
          name: request.name,
          ...(request.description ? { description: request.description } : {}),
          extractable: false,
          aliases: [copyAlias(request.copy.managedKeyId, request.copy.version)],
          ...wrapped,
        }),
      },
      "import the root key",
      host,
    );
    const key = created?.resources?.[0];
    if (!key?.id) throw new ConnectorError("REMOTE_ERROR", "Key management imported the key but did not say its id");
    return toRemoteKey(key);
  }

  async findManagedCopy(copy: ManagedCopyRef, host: ConnectorHost): Promise<RemoteKey | null> {
    try {
      const key = await this.describeKey(copyAlias(copy.managedKeyId, copy.version), host);
      return key.state === "pending_deletion" ? null : key;
    } catch (error) {
      if (error instanceof ConnectorError && error.code === "NOT_FOUND") return null;
      throw error;
    }
  }

  async describeKey(keyId: string, host: ConnectorHost): Promise<RemoteKey> {
    const got = await this.kms.call<KpCollection<KpKey>>({ method: "GET", path: `/api/v2/keys/${encodeURIComponent(keyId)}/metadata` }, "read the key", host);
    const key = got?.resources?.[0];
    if (!key) throw new ConnectorError("NOT_FOUND", `No key ${keyId} in the instance`);
    return toRemoteKey(key);
  }

  async enableKey(keyId: string, host: ConnectorHost): Promise<RemoteKey> {
    await this.kms.call({ method: "POST", path: `/api/v2/keys/${encodeURIComponent(keyId)}/actions/enable` }, "enable the key", host);
    return this.describeKey(keyId, host);
  }

  async disableKey(keyId: string, host: ConnectorHost): Promise<RemoteKey> {
    await this.kms.call({ method: "POST", path: `/api/v2/keys/${encodeURIComponent(keyId)}/actions/disable` }, "disable the key", host);
    return this.describeKey(keyId, host);
  }

  /**
   * Deletes the key; Key Protect keeps it restorable for 30 days (a fixed window: no template
   * option). A key still registered with cloud resources is refused: the message names them.
   */
  async scheduleKeyDeletion(keyId: string, _options: Readonly<PropertyValues>, host: ConnectorHost): Promise<RemoteKey> {
    try {
      await this.kms.call({ method: "DELETE", path: `/api/v2/keys/${encodeURIComponent(keyId)}` }, "delete the key", host);
    } catch (error) {
      if (error instanceof ConnectorError && error.code === "CONFLICT") {
        const registered = await this.registrations(keyId, host).catch(() => []);
        if (registered.length > 0) {
          throw new ConnectorError("CONFLICT", `The key protects cloud resources and cannot be deleted until they stop using it: ${registered.slice(0, 5).join(", ")}${registered.length > 5 ? ` and ${registered.length - 5} more` : ""}`);
        }
      }
      throw error;
    }
    return this.describeKey(keyId, host);
  }

  /** Restores a deleted key: Key Protect asks for the imported material again, under a fresh import token. */
  async cancelKeyDeletion(keyId: string, host: ConnectorHost, material?: KeyMaterial): Promise<RemoteKey> {
    if (!material) throw new ConnectorError("UNSUPPORTED", "Key Protect restores an imported key only with its material, which the gateway no longer has for this key");
    const wrapped = await this.wrap(rootKeyBytes(material), host);
    await this.kms.call({ method: "POST", path: `/api/v2/keys/${encodeURIComponent(keyId)}/restore`, body: collection({ type: KEY_TYPE, ...wrapped }) }, "restore the key", host);
    return this.describeKey(keyId, host);
  }

  /** In place: the new material becomes a new version of the same key (Key Protect keeps the old ones to unwrap). */
  async rotateKey(currentKeyId: string, request: InstallKeyRequest, host: ConnectorHost): Promise<RemoteKey> {
    const wrapped = await this.wrap(rootKeyBytes(request.material), host);
    await this.kms.call({ method: "POST", path: `/api/v2/keys/${encodeURIComponent(currentKeyId)}/actions/rotate`, body: collection(wrapped) }, "rotate the key", host);
    const alias = copyAlias(request.copy.managedKeyId, request.copy.version);
    await this.kms.call({ method: "POST", path: `/api/v2/keys/${encodeURIComponent(currentKeyId)}/aliases/${alias}` }, "mark the rotated key", host).catch((error: unknown) => {
      if (!(error instanceof ConnectorError && error.code === "CONFLICT")) throw error; // already marked (a resumed rotation)
    });
    return this.describeKey(currentKeyId, host);
  }

  async listKeys(page: PageRequest, host: ConnectorHost): Promise<Page<RemoteKey>> {
    const limit = Math.min(Math.max(page.limit ?? 200, 1), 5000);
    const offset = page.cursor ? Number(page.cursor) : 0;
    if (!Number.isInteger(offset) || offset < 0) throw new ConnectorError("INVALID_PROPERTIES", "The page cursor is not one this connector gave");
    const listed = await this.kms.call<KpCollection<KpKey>>(
      { method: "GET", path: "/api/v2/keys", query: { limit, offset, state: "0,1,2,3,5", totalCount: true } },
      "list the keys",
      host,
    );
    const items = (listed?.resources ?? []).map((k) => toRemoteKey(k));
    const total = listed?.metadata?.totalCount ?? 0;
    return offset + items.length < total && items.length > 0 ? { items, nextCursor: String(offset + items.length) } : { items };
  }

  private async registrations(keyId: string, host: ConnectorHost): Promise<string[]> {
    const listed = await this.kms.call<KpCollection<{ resourceCrn?: string }>>({ method: "GET", path: `/api/v2/keys/${encodeURIComponent(keyId)}/registrations` }, "list the key's registrations", host);
    return (listed?.resources ?? []).flatMap((r) => (r.resourceCrn ? [r.resourceCrn] : []));
  }

  /** A fresh import token (one retrieval), and the material wrapped under it. */
  private async wrap(rootKey: Uint8Array, host: ConnectorHost): Promise<WrappedRootKey> {
    await this.kms.call({ method: "POST", path: "/api/v2/import_token", body: { expiration: IMPORT_TOKEN_SECONDS, maxAllowedRetrievals: 1 } }, "create an import token", host);
    const token = await this.kms.call<{ payload?: string; nonce?: string }>({ method: "GET", path: "/api/v2/import_token" }, "retrieve the import token", host);
    if (!token?.payload || !token.nonce) throw new ConnectorError("REMOTE_ERROR", "The import token came without its public key or nonce");
    const publicKey = createPublicKey(Buffer.from(token.payload, "base64").toString("utf8"));
    return wrapForImport(publicKey, rootKey, Buffer.from(token.nonce, "base64"), this.cipher);
  }
}

function rootKeyBytes(material: KeyMaterial): Uint8Array {
  if (material.spec.algorithm !== "aes" || ![16, 24, 32].includes(material.bytes.length)) {
    throw new ConnectorError("UNSUPPORTED", "Key Protect and HPCS import only AES root keys of 128, 192 or 256 bits");
  }
  return material.bytes;
}
