import { randomUUID, timingSafeEqual } from "node:crypto";
import {
  ConnectorError,
  findManagedCopyByListing,
  managedCopyTags,
  type ConnectorHost,
  type ManagedCopyRef,
  type PropertyValues,
  type InstallKeyRequest,
  type KeyMaterial,
  type KeyOperations,
  type Page,
  type PageRequest,
  type RemoteKey,
  type RotationModel,
} from "@uko/connector-sdk";
import type { ReferenceInstance, StoredKey } from "./backend.js";

/**
 * The reference keystore's key operations: AWS-like states and rules, held in memory. It rotates
 * either way the contract knows: `new_key` (a new key, the name moves, as AWS aliases) or
 * `new_version` (new material as a new version of the same key, as Azure, Google and IBM).
 */
export class ReferenceKeyStore implements KeyOperations {
  /** `connect` resolves the instance (and its credentials and simulated failures) before each call. */
  constructor(
    private readonly instance: (host: ConnectorHost, permission: string) => Promise<ReferenceInstance>,
    private readonly rotation: RotationModel = "new_key",
  ) {}

  async installKey(request: InstallKeyRequest, host: ConnectorHost, resumeKeyId?: string): Promise<RemoteKey> {
    const remote = await this.instance(host, "keys.import");
    const resumed = resumeKeyId ? remote.keys.get(resumeKeyId) : undefined;
    if (resumed && resumed.state !== "pending_deletion") {
      resumed.name = request.name;
      return toRemote(resumed);
    }
    if ([...remote.keys.values()].some((k) => k.name === request.name && k.state !== "pending_deletion")) {
      throw new ConnectorError("CONFLICT", `A key named ${request.name} already exists`);
    }
    const key: StoredKey = {
      keyId: randomUUID(),
      name: request.name,
      spec: request.material.spec,
      material: Buffer.from(request.material.bytes),
      materialVersion: "1",
      previousVersions: [],
      state: "enabled",
      tags: managedCopyTags(request.copy),
      ...(request.description ? { description: request.description } : {}),
      createdAt: host.clock.now(),
    };
    remote.keys.set(key.keyId, key);
    return toRemote(key);
  }

  async rotateKey(currentKeyId: string, request: InstallKeyRequest, host: ConnectorHost, resumeKeyId?: string): Promise<RemoteKey> {
    const remote = await this.instance(host, "keys.import");
    const current = this.find(remote, currentKeyId);
    if (this.rotation === "new_version") return this.addVersion(current, request);
    const resumed = resumeKeyId ? remote.keys.get(resumeKeyId) : undefined;
    // The old key keeps its material under its id; the name moves to the new key.
    current.name = `${current.name}~${current.keyId}`;
    if (resumed) {
      resumed.name = request.name;
      return toRemote(resumed);
    }
    const key: StoredKey = {
      keyId: randomUUID(),
      name: request.name,
      spec: request.material.spec,
      material: Buffer.from(request.material.bytes),
      materialVersion: "1",
      previousVersions: [],
      state: "enabled",
      tags: managedCopyTags(request.copy),
      ...(request.description ? { description: request.description } : {}),
      createdAt: host.clock.now(),
    };
    remote.keys.set(key.keyId, key);
    return toRemote(key);
  }

  /** In-place rotation: the new material becomes the key's newest version; a repeat (a resumed rotation) changes nothing. */
  private addVersion(key: StoredKey, request: InstallKeyRequest): RemoteKey {
    const marked = managedCopyTags(request.copy);
    if (key.tags["uko:key-version"] === marked["uko:key-version"]) return toRemote(key);
    key.previousVersions.push({ materialVersion: key.materialVersion, material: key.material });
    key.material = Buffer.from(request.material.bytes);
    key.materialVersion = String(Number(key.materialVersion) + 1);
    key.tags = marked;
    return toRemote(key);
  }

  async reimportKeyMaterial(keyId: string, material: KeyMaterial, host: ConnectorHost): Promise<RemoteKey> {
    const key = this.find(await this.instance(host, "keys.import"), keyId);
    if (key.material.length !== material.bytes.length || !timingSafeEqual(key.material, material.bytes)) {
      throw new ConnectorError("CONFLICT", `Key ${keyId} holds other key material`);
    }
    return toRemote(key);
  }

  /** Compares in constant time; the material never leaves the instance (a real keystore would compare a MAC or a public key). */
  async verifyKeyMaterial(keyId: string, material: KeyMaterial, host: ConnectorHost): Promise<boolean> {
    const key = this.find(await this.instance(host, "keys.list"), keyId);
    return key.material.length === material.bytes.length && timingSafeEqual(key.material, material.bytes);
  }

  async describeKey(keyId: string, host: ConnectorHost): Promise<RemoteKey> {
    return toRemote(this.find(await this.instance(host, "keys.list"), keyId));
  }

  async enableKey(keyId: string, host: ConnectorHost): Promise<RemoteKey> {
    return this.transition(keyId, host, "enabled");
  }

  async disableKey(keyId: string, host: ConnectorHost): Promise<RemoteKey> {
    return this.transition(keyId, host, "disabled");
  }

  async findManagedCopy(copy: ManagedCopyRef, host: ConnectorHost): Promise<RemoteKey | null> {
    return findManagedCopyByListing(this, copy, host);
  }

  async scheduleKeyDeletion(keyId: string, options: Readonly<PropertyValues>, host: ConnectorHost): Promise<RemoteKey> {
    const pendingWindowDays = Number(options.reference_pending_window_days ?? 7);
    if (!Number.isInteger(pendingWindowDays) || pendingWindowDays < 1 || pendingWindowDays > 30) {
      throw new ConnectorError("UNSUPPORTED", `The reference keystore deletes a key after 1 to 30 days, not ${pendingWindowDays}`);
    }
    const key = this.find(await this.instance(host, "keys.delete"), keyId);
    key.state = "pending_deletion";
    key.deletionDate = new Date(host.clock.now().getTime() + pendingWindowDays * 86_400_000);
    return toRemote(key);
  }

  async cancelKeyDeletion(keyId: string, host: ConnectorHost): Promise<RemoteKey> {
    const key = this.find(await this.instance(host, "keys.delete"), keyId);
    if (key.state !== "pending_deletion") throw new ConnectorError("CONFLICT", `Key ${keyId} is not pending deletion`);
    key.state = "disabled";
    delete key.deletionDate;
    return toRemote(key);
  }

  async listKeys(page: PageRequest, host: ConnectorHost): Promise<Page<RemoteKey>> {
    const all = [...(await this.instance(host, "keys.list")).keys.values()].sort((a, b) => a.keyId.localeCompare(b.keyId));
    const start = page.cursor ? all.findIndex((k) => k.keyId > page.cursor!) : 0;
    const limit = Math.max(1, Math.min(1000, page.limit ?? 100));
    const items = start < 0 ? [] : all.slice(start, start + limit);
    const last = items.at(-1);
    return last && start + limit < all.length ? { items: items.map(toRemote), nextCursor: last.keyId } : { items: items.map(toRemote) };
  }

  private async transition(keyId: string, host: ConnectorHost, to: "enabled" | "disabled"): Promise<RemoteKey> {
    const key = this.find(await this.instance(host, "keys.update"), keyId);
    if (key.state === "pending_deletion") throw new ConnectorError("CONFLICT", `Key ${keyId} is pending deletion`);
    key.state = to;
    return toRemote(key);
  }

  private find(remote: ReferenceInstance, keyId: string): StoredKey {
    const key = remote.keys.get(keyId);
    if (!key) throw new ConnectorError("NOT_FOUND", `No key ${keyId}`);
    return key;
  }
}

function toRemote(key: StoredKey): RemoteKey {
  return {
    keyId: key.keyId,
    name: key.name,
    state: key.state,
    spec: key.spec,
    materialVersion: key.materialVersion,
    ...(key.description ? { description: key.description } : {}),
    createdAt: key.createdAt,
    ...(key.deletionDate ? { deletionDate: key.deletionDate } : {}),
    tags: { ...key.tags },
  };
}
