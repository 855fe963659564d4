import { status } from "@grpc/grpc-js";
import type { Purpose } from "./algorithms.js";
import { holds } from "./auth.js";
import { asymmetricDecrypt, asymmetricSign, ciphertextVersion, macSign, publicKeyPem, sealSymmetric, openSymmetric } from "./crypto.js";
import { invalid, KmsStatusError, precondition } from "./errors.js";
import { generateImportKeyPair, unwrapImport } from "./import.js";
import { importJobState, type CryptoKey, type CryptoKeyVersion, type ImportJob, type KmsState, type ProtectionLevel } from "./state.js";
import type { EmulatorServiceAccount } from "./types.js";

/**
 * The Cloud KMS methods the emulator answers, each with the IAM permission Google checks for it
 * (before looking the resource up, so a caller without it learns nothing) and its behaviour on
 * the state. Requests and responses are the proto-loader's objects (camelCase fields, enums as
 * names, bytes as Buffers, timestamps as {seconds, nanos}).
 */
export interface CallContext {
  readonly account: EmulatorServiceAccount;
  readonly state: KmsState;
  readonly now: Date;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Request = any;
type Handler = (request: Request, context: CallContext) => object | Promise<object>;

interface Method {
  /** The request field naming the resource the permission is checked on. */
  readonly resource: (request: Request) => string;
  readonly permissions: readonly string[];
  readonly run: Handler;
}

const MAX_PAGE_SIZE = 1000;
const DEFAULT_PAGE_SIZE = 100;
const MAX_PLAINTEXT_BYTES = 64 * 1024;

const byName = (r: Request) => String(r.name ?? "");
const byParent = (r: Request) => String(r.parent ?? "");

export const METHODS: Readonly<Record<string, Method>> = {
  ListKeyRings: {
    resource: byParent,
    permissions: ["cloudkms.keyRings.list"],
    run: (r, { state }) => {
      const rings = [...state.keyRings.values()].filter((k) => k.name.startsWith(`${r.parent}/keyRings/`));
      return page(rings, r, "keyRings", (k) => ({ name: k.name, createTime: timestamp(k.createTime) }));
    },
  },
  GetKeyRing: {
    resource: byName,
    permissions: ["cloudkms.keyRings.get"],
    run: (r, { state }) => {
      const ring = state.keyRing(r.name);
      return { name: ring.name, createTime: timestamp(ring.createTime) };
    },
  },
  ListCryptoKeys: {
    resource: byParent,
    permissions: ["cloudkms.cryptoKeys.list"],
    run: (r, { state }) => {
      state.keyRing(r.parent);
      const keys = [...state.cryptoKeys.values()].filter((k) => k.name.startsWith(`${r.parent}/cryptoKeys/`));
      return page(keys, r, "cryptoKeys", cryptoKeyOut);
    },
  },
  GetCryptoKey: { resource: byName, permissions: ["cloudkms.cryptoKeys.get"], run: (r, { state }) => cryptoKeyOut(state.cryptoKey(r.name)) },
  CreateCryptoKey: {
    resource: byParent,
    permissions: ["cloudkms.cryptoKeys.create"],
    run: (r, { state, now }) => {
      const body = r.cryptoKey ?? {};
      const template = body.versionTemplate ?? {};
      const key = state.createCryptoKey(
        r.parent,
        String(r.cryptoKeyId ?? ""),
        {
          purpose: body.purpose as Purpose,
          algorithm: String(template.algorithm ?? ""),
          protectionLevel: protection(template.protectionLevel),
          labels: body.labels ?? {},
          importOnly: body.importOnly === true,
          ...(body.destroyScheduledDuration ? { destroyScheduledDurationMs: durationMs(body.destroyScheduledDuration) } : {}),
          skipInitialVersionCreation: r.skipInitialVersionCreation === true,
        },
        now,
      );
      return cryptoKeyOut(key);
    },
  },
  UpdateCryptoKey: {
    resource: (r) => String(r.cryptoKey?.name ?? ""),
    permissions: ["cloudkms.cryptoKeys.update"],
    run: (r, { state }) => {
      const key = state.cryptoKey(String(r.cryptoKey?.name ?? ""));
      const paths: string[] = r.updateMask?.paths ?? [];
      if (paths.length === 0 || paths.some((p) => p !== "labels")) throw invalid(`The emulator updates only labels, not: ${paths.join(", ") || "(empty update mask)"}.`);
      state.setLabels(key, r.cryptoKey.labels ?? {});
      return cryptoKeyOut(key);
    },
  },
  UpdateCryptoKeyPrimaryVersion: {
    resource: byName,
    permissions: ["cloudkms.cryptoKeys.update"],
    run: (r, { state }) => {
      const key = state.cryptoKey(r.name);
      state.setPrimary(key, Number(r.cryptoKeyVersionId));
      return cryptoKeyOut(key);
    },
  },
  ListCryptoKeyVersions: {
    resource: byParent,
    permissions: ["cloudkms.cryptoKeyVersions.list"],
    run: (r, { state }) => page(state.cryptoKey(r.parent).versions, r, "cryptoKeyVersions", versionOut),
  },
  GetCryptoKeyVersion: { resource: byName, permissions: ["cloudkms.cryptoKeyVersions.get"], run: (r, { state }) => versionOut(state.version(r.name).version) },
  UpdateCryptoKeyVersion: {
    resource: (r) => String(r.cryptoKeyVersion?.name ?? ""),
    permissions: ["cloudkms.cryptoKeyVersions.update"],
    run: (r, { state }) => {
      const { version } = state.version(String(r.cryptoKeyVersion?.name ?? ""));
      const paths: string[] = r.updateMask?.paths ?? [];
      if (paths.length !== 1 || paths[0] !== "state") throw invalid("The emulator updates only a version's state.");
      const wanted = r.cryptoKeyVersion.state;
      if (wanted !== "ENABLED" && wanted !== "DISABLED") throw invalid(`A version's state can be set to ENABLED or DISABLED, not ${wanted}.`);
      state.setVersionState(version, wanted);
      return versionOut(version);
    },
  },
  DestroyCryptoKeyVersion: {
    resource: byName,
    permissions: ["cloudkms.cryptoKeyVersions.destroy"],
    run: (r, { state, now }) => {
      const { key, version } = state.version(r.name);
      state.destroy(key, version, now);
      return versionOut(version);
    },
  },
  RestoreCryptoKeyVersion: {
    resource: byName,
    permissions: ["cloudkms.cryptoKeyVersions.restore"],
    run: (r, { state }) => {
      const { version } = state.version(r.name);
      state.restore(version);
      return versionOut(version);
    },
  },
  CreateImportJob: {
    resource: byParent,
    permissions: ["cloudkms.importJobs.create"],
    run: (r, { state, now }) => {
      const body = r.importJob ?? {};
      const job = state.createImportJob(r.parent, String(r.importJobId ?? ""), String(body.importMethod ?? ""), protection(body.protectionLevel), now);
      // Google generates the key pair after answering: the job is PENDING_GENERATION at first.
      // (A generation that fails leaves the job pending for good, which a caller's poll reports.)
      generateImportKeyPair(job).then(
        () => (job.generateTime = now),
        () => undefined,
      );
      return importJobOut(job, now);
    },
  },
  GetImportJob: { resource: byName, permissions: ["cloudkms.importJobs.get"], run: (r, { state, now }) => importJobOut(state.importJob(r.name), now) },
  ListImportJobs: {
    resource: byParent,
    permissions: ["cloudkms.importJobs.list"],
    run: (r, { state, now }) => {
      state.keyRing(r.parent);
      const jobs = [...state.importJobs.values()].filter((j) => j.name.startsWith(`${r.parent}/importJobs/`));
      return page(jobs, r, "importJobs", (j) => importJobOut(j, now));
    },
  },
  ImportCryptoKeyVersion: {
    resource: byParent,
    permissions: ["cloudkms.cryptoKeyVersions.create", "cloudkms.importJobs.useToImport"],
    run: (r, { state, now }) => {
      const key = state.cryptoKey(r.parent);
      const job = state.importJob(String(r.importJob ?? ""));
      const jobState = importJobState(job, now);
      if (jobState !== "ACTIVE") throw precondition(`ImportJob ${job.name} is in state ${jobState}; only ACTIVE import jobs can import.`);
      if (job.protectionLevel !== key.protectionLevel) throw invalid(`ImportJob ${job.name} has protection level ${job.protectionLevel}, the key ${key.protectionLevel}.`);
      if (r.algorithm !== key.algorithm) throw invalid(`The algorithm ${r.algorithm} does not match the key's version template (${key.algorithm}).`);
      const wrapped: Buffer | undefined = r.wrappedKey ?? r.rsaAesWrappedKey;
      if (!wrapped || wrapped.length === 0) throw invalid("wrapped_key is required.");
      const outcome = unwrapImport(job, wrapped, key.algorithm);
      if (r.cryptoKeyVersion) {
        const { version } = state.version(String(r.cryptoKeyVersion));
        state.reimportVersion(version, job, outcome);
        return versionOut(version);
      }
      return versionOut(state.addImportedVersion(key, job, key.algorithm, outcome, now));
    },
  },
  Encrypt: {
    resource: byName,
    permissions: ["cloudkms.cryptoKeyVersions.useToEncrypt"],
    run: (r, { state }) => {
      const { key, version } = usable(state, r.name, "ENCRYPT_DECRYPT");
      const plaintext: Buffer = r.plaintext ?? Buffer.alloc(0);
      if (plaintext.length > MAX_PLAINTEXT_BYTES) throw invalid("The plaintext must be at most 64 KiB.");
      const ciphertext = sealSymmetric(version.material!, version.id, plaintext, r.additionalAuthenticatedData ?? Buffer.alloc(0));
      return { name: version.name, ciphertext, protectionLevel: key.protectionLevel };
    },
  },
  Decrypt: {
    resource: byName,
    permissions: ["cloudkms.cryptoKeyVersions.useToDecrypt"],
    run: (r, { state }) => {
      const key = state.cryptoKey(r.name);
      const ciphertext: Buffer = r.ciphertext ?? Buffer.alloc(0);
      const id = ciphertextVersion(ciphertext);
      const { version } = usable(state, `${key.name}/cryptoKeyVersions/${id ?? 0}`, "ENCRYPT_DECRYPT");
      try {
        const plaintext = openSymmetric(version.material!, ciphertext, r.additionalAuthenticatedData ?? Buffer.alloc(0));
        return { plaintext, usedPrimary: key.primaryVersionId === version.id, protectionLevel: key.protectionLevel };
      } catch {
        throw invalid("Decryption failed: the ciphertext is invalid.");
      }
    },
  },
  MacSign: {
    resource: byName,
    permissions: ["cloudkms.cryptoKeyVersions.useToSign"],
    run: (r, { state }) => {
      const { key, version } = usable(state, r.name, "MAC");
      return { name: version.name, mac: macSign(version.algorithm, version.material!, r.data ?? Buffer.alloc(0)), protectionLevel: key.protectionLevel };
    },
  },
  AsymmetricSign: {
    resource: byName,
    permissions: ["cloudkms.cryptoKeyVersions.useToSign"],
    run: (r, { state }) => {
      const { key, version } = usable(state, r.name, "ASYMMETRIC_SIGN");
      const digest: Buffer | undefined = r.digest?.sha256 ?? r.digest?.sha384 ?? r.digest?.sha512;
      const signature = asymmetricSign(version.algorithm, version.material!, { ...(r.data ? { data: r.data } : {}), ...(digest ? { digest } : {}) });
      return { name: version.name, signature, protectionLevel: key.protectionLevel };
    },
  },
  AsymmetricDecrypt: {
    resource: byName,
    permissions: ["cloudkms.cryptoKeyVersions.useToDecrypt"],
    run: (r, { state }) => {
      const { key, version } = usable(state, r.name, "ASYMMETRIC_DECRYPT");
      return { plaintext: asymmetricDecrypt(version.algorithm, version.material!, r.ciphertext ?? Buffer.alloc(0)), protectionLevel: key.protectionLevel };
    },
  },
  GetPublicKey: {
    resource: byName,
    permissions: ["cloudkms.cryptoKeyVersions.viewPublicKey"],
    run: (r, { state }) => {
      const { key, version } = state.version(r.name);
      if (key.purpose !== "ASYMMETRIC_SIGN" && key.purpose !== "ASYMMETRIC_DECRYPT") throw precondition(`CryptoKey ${key.name} is not asymmetric.`);
      if (version.state !== "ENABLED" || !version.material) throw precondition(`CryptoKeyVersion ${version.name} is not enabled (${version.state}).`);
      return { pem: publicKeyPem(version.material), algorithm: version.algorithm, name: version.name, protectionLevel: key.protectionLevel, publicKeyFormat: "PEM" };
    },
  },
};

/**
 * google.iam.v1.IAMPolicy/TestIamPermissions: needs no permission itself, and answers the subset
 * the caller holds on the resource (nothing on another project's resources).
 */
export function testIamPermissions(request: Request, { account, state }: CallContext): object {
  const resource = String(request.resource ?? "");
  const project = projectOf(resource);
  const requested: string[] = request.permissions ?? [];
  if (project === account.projectId && /\/keyRings\/[^/]+$/.test(resource)) state.keyRing(resource);
  return { permissions: project ? requested.filter((p) => holds(account, project, p)) : [] };
}

/** Checks the caller's permissions on the request's resource, Google's way: before any lookup. */
export function authorize(method: Method, request: Request, account: EmulatorServiceAccount): void {
  const resource = method.resource(request);
  const project = projectOf(resource);
  if (!project) throw invalid(`"${resource}" is not a resource name.`);
  for (const permission of method.permissions) {
    if (!holds(account, project, permission)) {
      throw new KmsStatusError(status.PERMISSION_DENIED, `Permission '${permission}' denied on resource '${resource}' (or it may not exist).`);
    }
  }
}

function projectOf(resource: string): string | undefined {
  return /^projects\/([^/]+)\/locations\/[^/]+(\/|$)/.exec(resource)?.[1];
}

/** The version a crypto operation uses: the named one, or a symmetric key's primary. It must be ENABLED. */
function usable(state: KmsState, name: string, purpose: Purpose): { key: CryptoKey; version: CryptoKeyVersion } {
  let found: { key: CryptoKey; version: CryptoKeyVersion };
  if (name.includes("/cryptoKeyVersions/")) {
    found = state.version(name);
  } else {
    const key = state.cryptoKey(name);
    if (key.primaryVersionId === undefined) throw precondition(`CryptoKey ${key.name} has no primary version.`);
    found = state.version(`${key.name}/cryptoKeyVersions/${key.primaryVersionId}`);
  }
  if (found.key.purpose !== purpose) throw invalid(`CryptoKey ${found.key.name} has purpose ${found.key.purpose}, not ${purpose}.`);
  if (found.version.state !== "ENABLED" || !found.version.material) {
    throw precondition(`CryptoKeyVersion ${found.version.name} is not enabled, current state is: ${found.version.state}.`);
  }
  return found;
}

function cryptoKeyOut(key: CryptoKey): object {
  const primary = key.primaryVersionId === undefined ? undefined : key.versions.find((v) => v.id === key.primaryVersionId);
  return {
    name: key.name,
    purpose: key.purpose,
    createTime: timestamp(key.createTime),
    versionTemplate: { algorithm: key.algorithm, protectionLevel: key.protectionLevel },
    labels: key.labels,
    importOnly: key.importOnly,
    destroyScheduledDuration: { seconds: Math.floor(key.destroyScheduledDurationMs / 1000), nanos: 0 },
    ...(primary ? { primary: versionOut(primary) } : {}),
  };
}

function versionOut(v: CryptoKeyVersion): object {
  return {
    name: v.name,
    state: v.state,
    protectionLevel: v.protectionLevel,
    algorithm: v.algorithm,
    createTime: timestamp(v.createTime),
    ...(v.importJob ? { importJob: v.importJob } : {}),
    ...(v.importTime ? { importTime: timestamp(v.importTime), generateTime: timestamp(v.importTime) } : {}),
    ...(v.importFailureReason ? { importFailureReason: v.importFailureReason } : {}),
    ...(v.destroyTime ? { destroyTime: timestamp(v.destroyTime) } : {}),
    ...(v.destroyEventTime ? { destroyEventTime: timestamp(v.destroyEventTime) } : {}),
    reimportEligible: v.importJob !== undefined,
  };
}

function importJobOut(job: ImportJob, now: Date): object {
  const state = importJobState(job, now);
  return {
    name: job.name,
    importMethod: job.importMethod,
    protectionLevel: job.protectionLevel,
    createTime: timestamp(job.createTime),
    expireTime: timestamp(job.expireTime),
    state,
    ...(job.generateTime ? { generateTime: timestamp(job.generateTime) } : {}),
    ...(state === "EXPIRED" ? { expireEventTime: timestamp(job.expireTime) } : {}),
    ...(job.keyPair && state !== "PENDING_GENERATION" ? { publicKey: { pem: job.keyPair.publicPem } } : {}),
  };
}

/** A page of `items` in name order, with an opaque token naming the last one returned. */
function page<T extends { name: string }>(items: readonly T[], request: Request, field: string, out: (item: T) => object): object {
  const size = request.pageSize ? Math.min(MAX_PAGE_SIZE, Math.max(1, Number(request.pageSize))) : DEFAULT_PAGE_SIZE;
  const sorted = [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let start = 0;
  if (request.pageToken) {
    const after = Buffer.from(String(request.pageToken), "base64url").toString("utf8");
    if (!after) throw invalid("The page token is invalid.");
    start = sorted.findIndex((item) => item.name > after);
    if (start < 0) start = sorted.length;
  }
  const slice = sorted.slice(start, start + size);
  const more = start + size < sorted.length;
  return {
    [field]: slice.map(out),
    totalSize: sorted.length,
    ...(more ? { nextPageToken: Buffer.from(slice[slice.length - 1]!.name).toString("base64url") } : {}),
  };
}

function protection(value: unknown): ProtectionLevel {
  if (value === undefined || value === "SOFTWARE") return "SOFTWARE";
  if (value === "HSM") return "HSM";
  throw invalid(`The emulator supports protection levels SOFTWARE and HSM, not ${String(value)}.`);
}

function timestamp(date: Date): { seconds: number; nanos: number } {
  const ms = date.getTime();
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

function durationMs(d: { seconds?: number | string; nanos?: number }): number {
  return Number(d.seconds ?? 0) * 1000 + Math.floor((d.nanos ?? 0) / 1_000_000);
}
