import { randomUUID, timingSafeEqual } from "node:crypto";
import {
  ConnectorError,
  findManagedCopyByListing,
  managedCopyTags,
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
import type { FileStore, KeyFile } from "./store.js";

const DAY_MS = 86_400_000;

/** The file keystore's key operations. Rotation is `new_version`: a rotated key keeps its id and gains a material version. */
export class FileKeyOperations implements KeyOperations {
  constructor(private readonly store: FileStore) {}

  installKey(request: InstallKeyRequest, host: ConnectorHost, resumeKeyId?: string): Promise<RemoteKey> {
    return this.change(async () => {
      const all = await this.store.all();
      const resumed = resumeKeyId ? all.find((k) => k.keyId === resumeKeyId && k.state !== "pending_deletion") : undefined;
      if (resumed) {
        // An interrupted install left this copy behind: finish it (name it, give it its material if it has none).
        resumed.name = request.name;
        if (resumed.versions.length === 0) resumed.versions.push({ id: "1", sealed: await this.store.seal(request.material.bytes) });
        resumed.state = "enabled";
        return resumed;
      }
      this.refuseTakenName(all, request.name);
      host.logger.info("installing a key", { name: request.name, spec: request.material.spec });
      return {
        keyId: randomUUID(),
        name: request.name,
        spec: request.material.spec,
        state: "enabled",
        ...(request.description ? { description: request.description } : {}),
        tags: managedCopyTags(request.copy),
        createdAt: host.clock.now().toISOString(),
        versions: [{ id: "1", sealed: await this.store.seal(request.material.bytes) }],
      };
    });
  }

  rotateKey(currentKeyId: string, request: InstallKeyRequest, host: ConnectorHost): Promise<RemoteKey> {
    return this.change(async () => {
      const key = await this.store.read(currentKeyId);
      if (key.state === "pending_deletion") throw new ConnectorError("CONFLICT", `Key ${currentKeyId} is pending deletion`);
      // A resumed rotation finds its version already there (the copy tags name the version): nothing to add.
      if (key.tags["uko:key-version"] !== String(request.copy.version)) {
        key.versions.push({ id: String(key.versions.length + 1), sealed: await this.store.seal(request.material.bytes) });
        key.tags = managedCopyTags(request.copy);
      }
      host.logger.info("rotated a key", { keyId: currentKeyId, version: key.versions.length });
      return key;
    });
  }

  async findManagedCopy(copy: ManagedCopyRef, host: ConnectorHost): Promise<RemoteKey | null> {
    return findManagedCopyByListing(this, copy, host);
  }

  async describeKey(keyId: string): Promise<RemoteKey> {
    return toRemote(await this.store.read(keyId));
  }

  enableKey(keyId: string): Promise<RemoteKey> {
    return this.transition(keyId, "enabled");
  }

  disableKey(keyId: string): Promise<RemoteKey> {
    return this.transition(keyId, "disabled");
  }

  scheduleKeyDeletion(keyId: string, options: Readonly<PropertyValues>, host: ConnectorHost): Promise<RemoteKey> {
    const days = Number(options.file_deletion_days ?? 7);
    if (!Number.isInteger(days) || days < 1 || days > 30) throw new ConnectorError("UNSUPPORTED", `The file keystore deletes a key after 1 to 30 days, not ${days}`);
    return this.change(async () => {
      const key = await this.store.read(keyId);
      if (key.state === "pending_deletion") throw new ConnectorError("CONFLICT", `Key ${keyId} is already pending deletion`);
      key.state = "pending_deletion";
      key.deletionDate = new Date(host.clock.now().getTime() + days * DAY_MS).toISOString();
      return key;
    });
  }

  cancelKeyDeletion(keyId: string): Promise<RemoteKey> {
    return this.change(async () => {
      const key = await this.store.read(keyId);
      if (key.state !== "pending_deletion") throw new ConnectorError("CONFLICT", `Key ${keyId} is not pending deletion`);
      key.state = "disabled";
      delete key.deletionDate;
      return key;
    });
  }

  async verifyKeyMaterial(keyId: string, material: KeyMaterial): Promise<boolean> {
    const key = await this.store.read(keyId);
    const current = key.versions.at(-1);
    if (!current) return false;
    const held = await this.store.unseal(current.sealed);
    return held.length === material.bytes.length && timingSafeEqual(held, material.bytes);
  }

  async listKeys(page: PageRequest): Promise<Page<RemoteKey>> {
    const all = await this.store.all();
    const limit = Math.max(1, Math.min(1000, page.limit ?? 100));
    const rest = page.cursor ? all.filter((k) => k.keyId > page.cursor!) : all;
    const items = rest.slice(0, limit).map(toRemote);
    return rest.length > limit ? { items, nextCursor: items.at(-1)!.keyId } : { items };
  }

  private transition(keyId: string, to: "enabled" | "disabled"): Promise<RemoteKey> {
    return this.change(async () => {
      const key = await this.store.read(keyId);
      if (key.state === "pending_deletion") throw new ConnectorError("CONFLICT", `Key ${keyId} is pending deletion`);
      key.state = to;
      return key;
    });
  }

  private refuseTakenName(all: readonly KeyFile[], name: string): void {
    if (all.some((k) => k.name === name && k.state !== "pending_deletion")) throw new ConnectorError("CONFLICT", `A key named ${name} already exists`);
  }

  private async change(update: () => Promise<KeyFile>): Promise<RemoteKey> {
    return toRemote(await this.store.exclusive(update));
  }
}

function toRemote(key: KeyFile): RemoteKey {
  return {
    keyId: key.keyId,
    name: key.name,
    state: key.state,
    spec: key.spec,
    ...(key.versions.length > 0 ? { materialVersion: key.versions.at(-1)!.id } : {}),
    ...(key.description ? { description: key.description } : {}),
    createdAt: new Date(key.createdAt),
    ...(key.deletionDate ? { deletionDate: new Date(key.deletionDate) } : {}),
    tags: { ...key.tags },
  };
}
