import { createHmac, createPrivateKey, createPublicKey, randomBytes, timingSafeEqual } from "node:crypto";
import type { protos } from "@google-cloud/kms";
import {
  ConnectorError,
  mapConcurrently,
  isManagedCopy,
  loadWrappingKey,
  managedCopyTags,
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
  type RemoteKeyState,
} from "@uko/connector-sdk";
import { IMPORT_METHOD, toDate, type ImportJobs, type ProtectionLevel } from "./import-jobs.js";
import { googleKindFor, specForAlgorithm, type AsymmetricUsage, type GoogleKeyKind } from "./key-specs.js";
import type { Kms } from "./kms-client.js";
import { pollUntil } from "./polling.js";

type CryptoKey = protos.google.cloud.kms.v1.ICryptoKey;
type Version = protos.google.cloud.kms.v1.ICryptoKeyVersion;
/** The SDK's algorithm names; key-specs builds them as strings. */
type Algorithm = keyof typeof protos.google.cloud.kms.v1.CryptoKeyVersion.CryptoKeyVersionAlgorithm;

/** Google's bounds for a key's destroy-scheduled duration, in days (set once, at key creation). */
export const DESTROY_SCHEDULED_DAYS = { min: 1, max: 120, default: 30 } as const;
const SEPARATOR = "-";
const DESCRIBE_CONCURRENCY = 8;

const STATES: Record<string, RemoteKeyState> = {
  ENABLED: "enabled",
  DISABLED: "disabled",
  PENDING_IMPORT: "pending_import",
  DESTROY_SCHEDULED: "pending_deletion",
  DESTROYED: "unavailable",
  PENDING_GENERATION: "unavailable",
  PENDING_EXTERNAL_DESTRUCTION: "pending_deletion",
  EXTERNAL_DESTRUCTION_FAILED: "unavailable",
  GENERATION_FAILED: "unavailable",
};

/**
 * The managed-key operations on Cloud KMS. A managed key is a crypto key in the keystore's key
 * ring, created import-only without an initial version; each material version is an imported
 * crypto key version. The key's labels mark it as a managed copy. Google never deletes crypto
 * keys: "deleting" destroys every version's material after the key's destroy-scheduled duration,
 * and the key's name stays taken in the key ring for good.
 */
export class GoogleKeyOperations implements KeyOperations {
  constructor(
    private readonly kms: Kms,
    private readonly keyRingName: string,
    private readonly importJobs: ImportJobs,
  ) {}

  private keyName(keyId: string): string {
    if (!/^[a-zA-Z0-9_-]{1,63}$/.test(keyId)) throw new ConnectorError("NOT_FOUND", `"${keyId}" is not a Cloud KMS crypto key id`);
    return `${this.keyRingName}/cryptoKeys/${keyId}`;
  }

  async installKey(request: InstallKeyRequest, host: ConnectorHost, resumeKeyId?: string): Promise<RemoteKey> {
    const kind = kindFor(request.material, request.options);
    if (resumeKeyId) {
      const resumed = await this.finishInstall(resumeKeyId, kind, request, host);
      if (resumed) return resumed;
    }
    const protection = protectionOf(request.options);
    const labels = labelsFor(request.copy);
    let key: CryptoKey;
    try {
      [key] = await this.kms.call("cloudkms.cryptoKeys.create", host, (o) =>
        this.kms.client.createCryptoKey(
          {
            parent: this.keyRingName,
            cryptoKeyId: request.name,
            skipInitialVersionCreation: true,
            cryptoKey: {
              purpose: kind.purpose,
              importOnly: true,
              labels,
              versionTemplate: { algorithm: kind.algorithm as Algorithm, protectionLevel: protection },
              destroyScheduledDuration: { seconds: destroyScheduledDays(request.options) * 86_400 },
            },
          },
          o,
        ),
      );
    } catch (error) {
      if (!(error instanceof ConnectorError) || error.code !== "CONFLICT") throw error;
      // Google keeps every key name forever. A key this managed key's earlier attempt created and
      // left without material is taken over; any other key of that name is someone else's.
      const existing = await this.readKey(request.name, host);
      if (!isCopy(existing.key.labels, request.copy) || hasMaterial(existing.versions)) {
        throw new ConnectorError(
          "CONFLICT",
          `A crypto key named ${request.name} already exists in key ring ${this.keyRingName}; Google cannot delete crypto keys, so choose another name`,
        );
      }
      key = existing.key;
    }
    const version = await this.importVersion(key, kind, request.material, host);
    await this.makePrimary(key, kind, version, host);
    return this.describeKey(request.name, host);
  }

  /** Completes a key an interrupted installation left: imports the material unless a version holds it. */
  private async finishInstall(keyId: string, kind: GoogleKeyKind, request: InstallKeyRequest, host: ConnectorHost): Promise<RemoteKey | undefined> {
    let found: { key: CryptoKey; versions: Version[] };
    try {
      found = await this.readKey(keyId, host);
    } catch (error) {
      if (error instanceof ConnectorError && error.code === "NOT_FOUND") return undefined;
      throw error;
    }
    if (found.key.versionTemplate?.algorithm !== kind.algorithm) return undefined;
    const pending = found.versions.find((v) => v.state === "PENDING_IMPORT");
    const version = pending ? await this.awaitImport(pending.name!, host) : hasMaterial(found.versions) ? undefined : await this.importVersion(found.key, kind, request.material, host);
    if (version) await this.makePrimary(found.key, kind, version, host);
    return this.describeKey(keyId, host);
  }

  async rotateKey(currentKeyId: string, request: InstallKeyRequest, host: ConnectorHost, resumeKeyId?: string): Promise<RemoteKey> {
    const keyId = resumeKeyId ?? currentKeyId;
    const { key } = await this.readKey(keyId, host);
    // findManagedCopy found the key already labelled with the new version: the rotation finished.
    if (resumeKeyId && isCopy(key.labels, request.copy)) return this.describeKey(keyId, host);
    const kind = kindFor(request.material, { ...request.options, google_asymmetric_usage: usageOf(key) });
    if (key.versionTemplate?.algorithm !== kind.algorithm) {
      throw new ConnectorError("UNSUPPORTED", `Crypto key ${keyId} holds ${key.versionTemplate?.algorithm ?? "another algorithm"} keys; Google cannot rotate it to ${kind.algorithm}`);
    }
    const version = await this.importVersion(key, kind, request.material, host);
    await this.makePrimary(key, kind, version, host);
    // The labels move to the new version last: a key labelled with version N holds version N's material.
    await this.kms.call("cloudkms.cryptoKeys.update", host, (o) =>
      this.kms.client.updateCryptoKey({ cryptoKey: { name: key.name, labels: { ...(key.labels ?? {}), ...labelsFor(request.copy) } }, updateMask: { paths: ["labels"] } }, o),
    );
    return this.describeKey(keyId, host);
  }

  /**
   * Puts the material back into the key's newest version when Google lost it (DESTROYED, or an
   * import that failed): Google accepts only the material that version held, and refuses other
   * material, which surfaces as a CONFLICT. A version that still holds material is re-confirmed
   * where that can be proven (HMAC, RSA, EC); an AES version is left as it is.
   */
  async reimportKeyMaterial(keyId: string, material: KeyMaterial, host: ConnectorHost): Promise<RemoteKey> {
    const { key, versions } = await this.readKey(keyId, host);
    const kind = kindFor(material, { google_asymmetric_usage: usageOf(key) });
    if (key.versionTemplate?.algorithm !== kind.algorithm) {
      throw new ConnectorError("CONFLICT", `Crypto key ${keyId} holds ${key.versionTemplate?.algorithm ?? "another algorithm"} keys, not ${kind.algorithm}`);
    }
    const newest = [...versions].sort((a, b) => versionId(b) - versionId(a))[0];
    if (!newest) {
      await this.makePrimary(key, kind, await this.importVersion(key, kind, material, host), host);
    } else if (newest.state === "DESTROYED" || newest.state === "IMPORT_FAILED") {
      await this.makePrimary(key, kind, await this.importVersion(key, kind, material, host, newest.name!), host);
    } else if (newest.state === "PENDING_IMPORT") {
      await this.awaitImport(newest.name!, host);
    } else if (newest.state === "ENABLED" && key.purpose !== "ENCRYPT_DECRYPT" && !(await this.verifyKeyMaterial(keyId, material, host))) {
      throw new ConnectorError("CONFLICT", `Crypto key ${keyId} holds other key material than the gateway's`);
    }
    return this.describeKey(keyId, host);
  }

  async describeKey(keyId: string, host: ConnectorHost): Promise<RemoteKey> {
    const { key, versions } = await this.readKey(keyId, host);
    return toRemoteKey(key, versions);
  }

  async enableKey(keyId: string, host: ConnectorHost): Promise<RemoteKey> {
    return this.setVersionStates(keyId, "DISABLED", "ENABLED", host);
  }

  async disableKey(keyId: string, host: ConnectorHost): Promise<RemoteKey> {
    return this.setVersionStates(keyId, "ENABLED", "DISABLED", host);
  }

  /** Enables or disables every version in `from`: the gateway's key is usable in all its versions, or in none. */
  private async setVersionStates(keyId: string, from: "ENABLED" | "DISABLED", to: "ENABLED" | "DISABLED", host: ConnectorHost): Promise<RemoteKey> {
    const { versions } = await this.readKey(keyId, host);
    const current = currentVersion(versions);
    if (!current || (current.state !== "ENABLED" && current.state !== "DISABLED")) {
      throw new ConnectorError("CONFLICT", `Crypto key ${keyId} cannot be ${to.toLowerCase()}: its current version is ${current?.state ?? "missing"}`);
    }
    for (const version of versions.filter((v) => v.state === from)) {
      await this.kms.call("cloudkms.cryptoKeyVersions.update", host, (o) =>
        this.kms.client.updateCryptoKeyVersion({ cryptoKeyVersion: { name: version.name, state: to }, updateMask: { paths: ["state"] } }, o),
      );
    }
    return this.describeKey(keyId, host);
  }

  /**
   * Google cannot delete a crypto key: every version with material is scheduled for destruction,
   * after the destroy-scheduled duration the key got at creation (the template's option then; it
   * cannot change later). The key itself, emptied, stays in the key ring.
   */
  async scheduleKeyDeletion(keyId: string, options: Readonly<PropertyValues>, host: ConnectorHost): Promise<RemoteKey> {
    const { key, versions } = await this.readKey(keyId, host);
    const days = Number(key.destroyScheduledDuration?.seconds ?? 0) / 86_400;
    if (options.google_destroy_scheduled_days !== undefined && Number(options.google_destroy_scheduled_days) !== days) {
      host.logger.info("the key's destroy-scheduled duration was fixed at its creation; the template's current value does not apply", { keyId, days });
    }
    for (const version of versions.filter((v) => v.state === "ENABLED" || v.state === "DISABLED")) {
      await this.kms.call("cloudkms.cryptoKeyVersions.destroy", host, (o) => this.kms.client.destroyCryptoKeyVersion({ name: version.name }, o));
    }
    return this.describeKey(keyId, host);
  }

  /** Restores every version scheduled for destruction; Google brings them back disabled. */
  async cancelKeyDeletion(keyId: string, host: ConnectorHost): Promise<RemoteKey> {
    const { versions } = await this.readKey(keyId, host);
    const scheduled = versions.filter((v) => v.state === "DESTROY_SCHEDULED");
    if (scheduled.length === 0) throw new ConnectorError("CONFLICT", `Crypto key ${keyId} has no version scheduled for destruction`);
    for (const version of scheduled) {
      await this.kms.call("cloudkms.cryptoKeyVersions.restore", host, (o) => this.kms.client.restoreCryptoKeyVersion({ name: version.name }, o));
    }
    return this.describeKey(keyId, host);
  }

  /**
   * Proves the key's current version holds `material` without exporting anything: an HMAC over a
   * random message compared, or the public key compared. Google's symmetric ciphertext format is
   * not public, so an AES key cannot be checked this way.
   */
  async verifyKeyMaterial(keyId: string, material: KeyMaterial, host: ConnectorHost): Promise<boolean> {
    const { key, versions } = await this.readKey(keyId, host);
    const version = currentVersion(versions);
    if (!version?.name || version.state !== "ENABLED") throw new ConnectorError("CONFLICT", `Crypto key ${keyId} has no enabled version to check`);
    if (key.purpose === "MAC") {
      const data = randomBytes(32);
      const [signed] = await this.kms.call("cloudkms.cryptoKeyVersions.useToSign", host, (o) => this.kms.client.macSign({ name: version.name, data }, o));
      const hash = `sha${specForAlgorithm(version.algorithm as string).size}`;
      const expected = createHmac(hash, material.bytes).update(data).digest();
      const mac = Buffer.from(signed.mac ?? []);
      return mac.length === expected.length && timingSafeEqual(mac, expected);
    }
    if (key.purpose === "ASYMMETRIC_SIGN" || key.purpose === "ASYMMETRIC_DECRYPT") {
      const [publicKey] = await this.kms.call("cloudkms.cryptoKeyVersions.viewPublicKey", host, (o) => this.kms.client.getPublicKey({ name: version.name }, o));
      let expected: Buffer;
      try {
        expected = createPublicKey(createPrivateKey({ key: Buffer.from(material.bytes), format: "der", type: "pkcs8" })).export({ type: "spki", format: "der" });
      } catch {
        return false;
      }
      const held = createPublicKey(publicKey.pem ?? "").export({ type: "spki", format: "der" });
      return held.equals(expected);
    }
    throw new ConnectorError("UNSUPPORTED", "Cloud KMS's symmetric ciphertexts are opaque, so an AES key's material cannot be proven without exporting it");
  }

  async findManagedCopy(copy: ManagedCopyRef, host: ConnectorHost): Promise<RemoteKey | null> {
    let pageToken: string | undefined;
    do {
      const [keys, next] = await this.listPage({ pageSize: 1000, ...(pageToken ? { pageToken } : {}) }, host);
      for (const key of keys.filter((k) => isCopy(k.labels, copy))) {
        const found = toRemoteKey(key, await this.versionsOf(key.name!, host));
        if (found.state !== "pending_deletion" && found.state !== "unavailable") return found;
      }
      pageToken = next;
    } while (pageToken);
    return null;
  }

  async listKeys(page: PageRequest, host: ConnectorHost): Promise<Page<RemoteKey>> {
    const pageSize = Math.min(1000, Math.max(1, Math.floor(page.limit ?? 100)));
    const [keys, next] = await this.listPage({ pageSize, ...(page.cursor ? { pageToken: page.cursor } : {}) }, host);
    const items = await mapConcurrently(keys, DESCRIBE_CONCURRENCY, async (key) => toRemoteKey(key, await this.versionsOf(key.name!, host)));
    return next ? { items, nextCursor: next } : { items };
  }

  private async listPage(request: { pageSize: number; pageToken?: string }, host: ConnectorHost): Promise<[CryptoKey[], string | undefined]> {
    const [keys, nextRequest] = await this.kms.call("cloudkms.cryptoKeys.list", host, (o) =>
      this.kms.client.listCryptoKeys({ parent: this.keyRingName, ...request }, { ...o, autoPaginate: false }),
    );
    return [keys, nextRequest?.pageToken || undefined];
  }

  private async readKey(keyId: string, host: ConnectorHost): Promise<{ key: CryptoKey; versions: Version[] }> {
    const name = this.keyName(keyId);
    const [[key], versions] = await Promise.all([
      this.kms.call("cloudkms.cryptoKeys.get", host, (o) => this.kms.client.getCryptoKey({ name }, o)),
      this.versionsOf(name, host),
    ]);
    return { key, versions };
  }

  private async versionsOf(cryptoKeyName: string, host: ConnectorHost): Promise<Version[]> {
    const all: Version[] = [];
    let pageToken: string | undefined;
    do {
      const [versions, next] = await this.kms.call("cloudkms.cryptoKeyVersions.list", host, (o) =>
        this.kms.client.listCryptoKeyVersions({ parent: cryptoKeyName, pageSize: 1000, ...(pageToken ? { pageToken } : {}) }, { ...o, autoPaginate: false }),
      );
      all.push(...versions);
      pageToken = next?.pageToken || undefined;
    } while (pageToken);
    return all;
  }

  /** Wraps the material for the keystore's import job, imports it as a new version and waits until Google says how it went. */
  private async importVersion(key: CryptoKey, kind: GoogleKeyKind, material: KeyMaterial, host: ConnectorHost, intoVersion?: string): Promise<Version> {
    const protection = (key.versionTemplate?.protectionLevel as ProtectionLevel | undefined) ?? "HSM";
    for (let attempt = 1; ; attempt++) {
      const job = await this.importJobs.get(protection, host);
      const wrappedKey = rsaAesKeyWrap(loadWrappingKey(job.publicKeyPem), material.bytes, "sha256");
      try {
        const [started] = await this.kms.call("cloudkms.cryptoKeyVersions.create", host, (o) =>
          this.kms.client.importCryptoKeyVersion(
            { parent: key.name, algorithm: kind.algorithm as Algorithm, importJob: job.name, wrappedKey, ...(intoVersion ? { cryptoKeyVersion: intoVersion } : {}) },
            o,
          ),
        );
        return await this.awaitImport(started.name!, host);
      } catch (error) {
        // A job Google no longer accepts (expired sooner than the connector expected): once more with a new one.
        if (attempt === 1 && error instanceof ConnectorError && error.code === "CONFLICT" && /ImportJob/i.test(error.message)) {
          this.importJobs.forget(protection, job.name);
          continue;
        }
        throw error;
      }
    }
  }

  private async awaitImport(versionName: string, host: ConnectorHost): Promise<Version> {
    const version = await pollUntil(
      "importing the key material",
      host,
      async () => (await this.kms.call("cloudkms.cryptoKeyVersions.get", host, (o) => this.kms.client.getCryptoKeyVersion({ name: versionName }, o)))[0],
      (v) => v.state !== "PENDING_IMPORT",
    );
    if (version.state === "IMPORT_FAILED") {
      throw new ConnectorError("REMOTE_ERROR", `Cloud KMS could not import the key material (${IMPORT_METHOD}): ${version.importFailureReason ?? "no reason given"}`);
    }
    return version;
  }

  /** Symmetric keys encrypt with their primary version; asymmetric keys have none (callers name versions). */
  private async makePrimary(key: CryptoKey, kind: GoogleKeyKind, version: Version, host: ConnectorHost): Promise<void> {
    if (kind.purpose !== "ENCRYPT_DECRYPT") return;
    const versionId = version.name!.split("/").pop()!;
    await this.kms.call("cloudkms.cryptoKeys.update", host, (o) => this.kms.client.updateCryptoKeyPrimaryVersion({ name: key.name, cryptoKeyVersionId: versionId }, o));
  }
}

function kindFor(material: KeyMaterial, options: Readonly<PropertyValues>): GoogleKeyKind {
  const usage = (options.google_asymmetric_usage as AsymmetricUsage | undefined) ?? "sign";
  const kind = googleKindFor(material.spec, usage);
  if (typeof kind === "string") throw new ConnectorError("UNSUPPORTED", kind);
  return kind;
}

function usageOf(key: CryptoKey): AsymmetricUsage {
  return key.purpose === "ASYMMETRIC_DECRYPT" ? "decrypt" : "sign";
}

function protectionOf(options: Readonly<PropertyValues>): ProtectionLevel {
  return options.google_protection_level === "SOFTWARE" ? "SOFTWARE" : "HSM";
}

function destroyScheduledDays(options: Readonly<PropertyValues>): number {
  const days = Number(options.google_destroy_scheduled_days ?? DESTROY_SCHEDULED_DAYS.default);
  if (!Number.isInteger(days) || days < DESTROY_SCHEDULED_DAYS.min || days > DESTROY_SCHEDULED_DAYS.max) {
    throw new ConnectorError("UNSUPPORTED", `Cloud KMS destroys a version ${DESTROY_SCHEDULED_DAYS.min} to ${DESTROY_SCHEDULED_DAYS.max} days after it is scheduled, not ${days}`);
  }
  return days;
}

/** The managed-copy marks as Google labels: lowercase `[a-z0-9_-]`, at most 63 characters. */
function labelsFor(copy: ManagedCopyRef): Record<string, string> {
  return Object.fromEntries(Object.entries(managedCopyTags(copy, SEPARATOR)).map(([k, v]) => [k, labelValue(v)]));
}

function labelValue(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9_-]/g, "_").slice(0, 63);
}

/** Whether `labels` mark a copy of `copy`, compared as the labels were written. */
function isCopy(labels: Readonly<Record<string, string>> | null | undefined, copy: ManagedCopyRef): boolean {
  return isManagedCopy(labels ?? {}, { ...copy, managedKeyId: labelValue(copy.managedKeyId) }, SEPARATOR);
}

function versionId(version: Version): number {
  return Number((version.name ?? "").split("/").pop());
}

/** The version that holds the managed key's current material: the newest one an import did not fail. */
function currentVersion(versions: readonly Version[]): Version | undefined {
  return versions.filter((v) => v.state !== "IMPORT_FAILED").sort((a, b) => versionId(b) - versionId(a))[0];
}

function hasMaterial(versions: readonly Version[]): boolean {
  return versions.some((v) => v.state === "ENABLED" || v.state === "DISABLED" || v.state === "PENDING_IMPORT");
}

function toRemoteKey(key: CryptoKey, versions: readonly Version[]): RemoteKey {
  const current = currentVersion(versions);
  const keyId = (key.name ?? "").split("/").pop()!;
  const state: RemoteKeyState = current ? (STATES[String(current.state)] ?? "unavailable") : "pending_import";
  return {
    keyId,
    ...(key.name ? { resourceName: key.name } : {}),
    name: keyId,
    state,
    spec: specForAlgorithm(key.versionTemplate?.algorithm as string | undefined),
    ...(current ? { materialVersion: String(versionId(current)) } : {}),
    ...(key.createTime ? { createdAt: toDate(key.createTime) } : {}),
    ...(state === "pending_deletion" && current?.destroyTime ? { deletionDate: toDate(current.destroyTime) } : {}),
    tags: { ...(key.labels ?? {}) },
  };
}
