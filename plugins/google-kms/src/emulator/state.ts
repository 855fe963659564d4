import { ALGORITHMS, type Purpose } from "./algorithms.js";
import { invalid, KmsStatusError, notFound, precondition } from "./errors.js";
import { status } from "@grpc/grpc-js";

/**
 * The emulator's resources and their state machines, as Cloud KMS documents them:
 * - a crypto key version: PENDING_IMPORT → ENABLED or IMPORT_FAILED (with importFailureReason),
 *   ENABLED ⇄ DISABLED, either → DESTROY_SCHEDULED → DESTROYED once the key's
 *   destroyScheduledDuration has passed on the clock, and back to DISABLED by restore;
 * - an import job: PENDING_GENERATION → ACTIVE (once its key pair exists) → EXPIRED after 3 days.
 * Key rings and crypto keys are never deleted, as in Google.
 */
export type VersionState = "PENDING_IMPORT" | "ENABLED" | "DISABLED" | "DESTROY_SCHEDULED" | "DESTROYED" | "IMPORT_FAILED";
export type ProtectionLevel = "SOFTWARE" | "HSM";

export interface KeyRing {
  name: string;
  createTime: Date;
}

export interface CryptoKeyVersion {
  name: string;
  id: number;
  state: VersionState;
  algorithm: string;
  protectionLevel: ProtectionLevel;
  createTime: Date;
  importJob?: string;
  importTime?: Date;
  importFailureReason?: string;
  destroyTime?: Date;
  destroyEventTime?: Date;
  material?: Buffer;
  /** The outcome of an import, shown on the first read after the import call (PENDING_IMPORT until then). */
  pendingOutcome?: { material: Buffer } | { failure: string };
}

export interface CryptoKey {
  name: string;
  purpose: Purpose;
  createTime: Date;
  labels: Record<string, string>;
  algorithm: string;
  protectionLevel: ProtectionLevel;
  importOnly: boolean;
  destroyScheduledDurationMs: number;
  primaryVersionId?: number;
  versions: CryptoKeyVersion[];
}

export interface ImportJob {
  name: string;
  importMethod: string;
  protectionLevel: ProtectionLevel;
  createTime: Date;
  expireTime: Date;
  /** Set once the key pair is generated; the job is PENDING_GENERATION until then. */
  keyPair?: { publicPem: string; privatePem: string };
  generateTime?: Date;
}

/** Google's import jobs live 3 days. */
export const IMPORT_JOB_LIFETIME_MS = 3 * 24 * 3600_000;
/** Google's default, and the bounds it allows, for a key's destroy-scheduled duration. */
export const DEFAULT_DESTROY_SCHEDULED_MS = 30 * 24 * 3600_000;
export const DESTROY_SCHEDULED_BOUNDS_MS = { min: 24 * 3600_000, max: 120 * 24 * 3600_000 } as const;

const ID_PATTERN = /^[a-zA-Z0-9_-]{1,63}$/;

export class KmsState {
  readonly keyRings = new Map<string, KeyRing>();
  readonly cryptoKeys = new Map<string, CryptoKey>();
  readonly importJobs = new Map<string, ImportJob>();

  createKeyRing(parent: string, keyRingId: string, now: Date): KeyRing {
    requireId(keyRingId, "key ring");
    const name = `${parent}/keyRings/${keyRingId}`;
    if (this.keyRings.has(name)) throw new KmsStatusError(status.ALREADY_EXISTS, `KeyRing ${name} already exists.`);
    const ring = { name, createTime: now };
    this.keyRings.set(name, ring);
    return ring;
  }

  keyRing(name: string): KeyRing {
    const ring = this.keyRings.get(name);
    if (!ring) throw notFound(`KeyRing ${name}`);
    return ring;
  }

  createCryptoKey(
    parent: string,
    id: string,
    spec: { purpose: Purpose; algorithm: string; protectionLevel: ProtectionLevel; labels: Record<string, string>; importOnly: boolean; destroyScheduledDurationMs?: number; skipInitialVersionCreation: boolean },
    now: Date,
  ): CryptoKey {
    this.keyRing(parent);
    requireId(id, "crypto key");
    const info = ALGORITHMS[spec.algorithm];
    if (!info) throw invalid(`The algorithm ${spec.algorithm} is not supported by this emulator.`);
    if (info.purpose !== spec.purpose) throw invalid(`Algorithm ${spec.algorithm} is not compatible with purpose ${spec.purpose}.`);
    if (!spec.skipInitialVersionCreation) throw invalid("This emulator only holds imported keys: set skipInitialVersionCreation.");
    const destroy = spec.destroyScheduledDurationMs ?? DEFAULT_DESTROY_SCHEDULED_MS;
    if (destroy < DESTROY_SCHEDULED_BOUNDS_MS.min || destroy > DESTROY_SCHEDULED_BOUNDS_MS.max) {
      throw invalid("destroy_scheduled_duration must be between 1 day and 120 days.");
    }
    checkLabels(spec.labels);
    const name = `${parent}/cryptoKeys/${id}`;
    if (this.cryptoKeys.has(name)) throw new KmsStatusError(status.ALREADY_EXISTS, `CryptoKey ${name} already exists.`);
    const key: CryptoKey = {
      name,
      purpose: spec.purpose,
      createTime: now,
      labels: { ...spec.labels },
      algorithm: spec.algorithm,
      protectionLevel: spec.protectionLevel,
      importOnly: spec.importOnly,
      destroyScheduledDurationMs: destroy,
      versions: [],
    };
    this.cryptoKeys.set(name, key);
    return key;
  }

  cryptoKey(name: string): CryptoKey {
    const key = this.cryptoKeys.get(name);
    if (!key) throw notFound(`CryptoKey ${name}`);
    return key;
  }

  version(name: string): { key: CryptoKey; version: CryptoKeyVersion } {
    const match = /^(.+)\/cryptoKeyVersions\/(\d+)$/.exec(name);
    if (!match) throw invalid(`${name} is not a crypto key version name.`);
    const key = this.cryptoKey(match[1]!);
    const version = key.versions.find((v) => v.id === Number(match[2]));
    if (!version) throw notFound(`CryptoKeyVersion ${name}`);
    return { key, version };
  }

  setLabels(key: CryptoKey, labels: Record<string, string>): void {
    checkLabels(labels);
    key.labels = { ...labels };
  }

  createImportJob(parent: string, id: string, importMethod: string, protectionLevel: ProtectionLevel, now: Date): ImportJob {
    this.keyRing(parent);
    requireId(id, "import job");
    if (importMethod !== "RSA_OAEP_3072_SHA256_AES_256") throw invalid(`This emulator supports only the import method RSA_OAEP_3072_SHA256_AES_256, not ${importMethod}.`);
    const name = `${parent}/importJobs/${id}`;
    if (this.importJobs.has(name)) throw new KmsStatusError(status.ALREADY_EXISTS, `ImportJob ${name} already exists.`);
    const job: ImportJob = { name, importMethod, protectionLevel, createTime: now, expireTime: new Date(now.getTime() + IMPORT_JOB_LIFETIME_MS) };
    this.importJobs.set(name, job);
    return job;
  }

  importJob(name: string): ImportJob {
    const job = this.importJobs.get(name);
    if (!job) throw notFound(`ImportJob ${name}`);
    return job;
  }

  /** Starts an import: the version is PENDING_IMPORT, and shows the outcome from the next read on. */
  addImportedVersion(key: CryptoKey, job: ImportJob, algorithm: string, outcome: { material: Buffer } | { failure: string }, now: Date): CryptoKeyVersion {
    const id = key.versions.reduce((max, v) => Math.max(max, v.id), 0) + 1;
    const version: CryptoKeyVersion = {
      name: `${key.name}/cryptoKeyVersions/${id}`,
      id,
      state: "PENDING_IMPORT",
      algorithm,
      protectionLevel: key.protectionLevel,
      createTime: now,
      importJob: job.name,
      pendingOutcome: outcome,
    };
    key.versions.push(version);
    return version;
  }

  /** Re-imports into a DESTROYED or IMPORT_FAILED version: Google accepts only the material it held before. */
  reimportVersion(version: CryptoKeyVersion, job: ImportJob, outcome: { material: Buffer } | { failure: string }): void {
    if (version.state !== "DESTROYED" && version.state !== "IMPORT_FAILED") {
      throw precondition(`CryptoKeyVersion ${version.name} is in state ${version.state}; only DESTROYED or IMPORT_FAILED versions can be re-imported.`);
    }
    if ("material" in outcome && version.material && !version.material.equals(outcome.material)) {
      throw precondition(`The key material does not match the material previously imported into ${version.name}.`);
    }
    version.state = "PENDING_IMPORT";
    version.importJob = job.name;
    version.pendingOutcome = outcome;
    delete version.importFailureReason;
    delete version.destroyTime;
    delete version.destroyEventTime;
  }

  /** Moves everything the clock has reached, and settles imports the caller may now see. */
  sweep(now: Date, settleImports: boolean): void {
    for (const key of this.cryptoKeys.values()) {
      for (const version of key.versions) {
        if (version.state === "DESTROY_SCHEDULED" && version.destroyTime && version.destroyTime <= now) {
          version.state = "DESTROYED";
          version.destroyEventTime = version.destroyTime;
          // The material stays only so that a re-import can be checked to be the same bytes; nothing uses it.
        }
        if (settleImports && version.state === "PENDING_IMPORT" && version.pendingOutcome) {
          const outcome = version.pendingOutcome;
          delete version.pendingOutcome;
          if ("material" in outcome) {
            version.state = "ENABLED";
            version.material = outcome.material;
            version.importTime = now;
          } else {
            version.state = "IMPORT_FAILED";
            version.importFailureReason = outcome.failure;
          }
        }
      }
    }
  }

  setVersionState(version: CryptoKeyVersion, state: "ENABLED" | "DISABLED"): void {
    if (version.state !== "ENABLED" && version.state !== "DISABLED") {
      throw precondition(`CryptoKeyVersion ${version.name} is in state ${version.state} and cannot be ${state.toLowerCase()}.`);
    }
    version.state = state;
  }

  destroy(key: CryptoKey, version: CryptoKeyVersion, now: Date): void {
    if (version.state === "DESTROY_SCHEDULED") return;
    if (version.state !== "ENABLED" && version.state !== "DISABLED") {
      throw precondition(`CryptoKeyVersion ${version.name} is in state ${version.state} and cannot be destroyed.`);
    }
    version.state = "DESTROY_SCHEDULED";
    version.destroyTime = new Date(now.getTime() + key.destroyScheduledDurationMs);
    if (key.primaryVersionId === version.id) delete key.primaryVersionId;
  }

  restore(version: CryptoKeyVersion): void {
    if (version.state !== "DESTROY_SCHEDULED") {
      throw precondition(`CryptoKeyVersion ${version.name} is in state ${version.state}; only DESTROY_SCHEDULED versions can be restored.`);
    }
    version.state = "DISABLED";
    delete version.destroyTime;
  }

  setPrimary(key: CryptoKey, versionId: number): void {
    if (key.purpose !== "ENCRYPT_DECRYPT") throw precondition(`CryptoKey ${key.name} has purpose ${key.purpose}; only ENCRYPT_DECRYPT keys have a primary version.`);
    const version = key.versions.find((v) => v.id === versionId);
    if (!version) throw notFound(`CryptoKeyVersion ${key.name}/cryptoKeyVersions/${versionId}`);
    if (version.state !== "ENABLED") throw precondition(`CryptoKeyVersion ${version.name} is not ENABLED.`);
    key.primaryVersionId = versionId;
  }
}

export function importJobState(job: ImportJob, now: Date): "PENDING_GENERATION" | "ACTIVE" | "EXPIRED" {
  if (job.expireTime <= now) return "EXPIRED";
  return job.keyPair ? "ACTIVE" : "PENDING_GENERATION";
}

function requireId(id: string, what: string): void {
  if (!ID_PATTERN.test(id)) throw invalid(`The ${what} id "${id}" must match [a-zA-Z0-9_-]{1,63}.`);
}

/** Google's label rules: ≤64 labels, keys start with a lowercase letter, keys and values ≤63 of [a-z0-9_-]. */
function checkLabels(labels: Record<string, string>): void {
  const entries = Object.entries(labels);
  if (entries.length > 64) throw invalid("A resource may have at most 64 labels.");
  for (const [k, v] of entries) {
    if (!/^[a-z][a-z0-9_-]{0,62}$/.test(k)) throw invalid(`Label key "${k}" must start with a lowercase letter and have at most 63 lowercase letters, digits, '_' or '-'.`);
    if (!/^[a-z0-9_-]{0,63}$/.test(v)) throw invalid(`Label value "${v}" may have at most 63 lowercase letters, digits, '_' or '-'.`);
  }
}
