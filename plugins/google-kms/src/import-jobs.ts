import { randomBytes } from "node:crypto";
import type { protos } from "@google-cloud/kms";
import { ConnectorError, type ConnectorHost } from "@uko/connector-sdk";
import type { Kms } from "./kms-client.js";
import { pollUntil } from "./polling.js";

type ImportJob = protos.google.cloud.kms.v1.IImportJob;
export type ProtectionLevel = "HSM" | "SOFTWARE";

/** The import method UKO uses (peers-and-byok §6.4): RSA-OAEP-3072-SHA256 of an AES-256 key, then RFC 5649. */
export const IMPORT_METHOD = "RSA_OAEP_3072_SHA256_AES_256";
/** A job is replaced when less than this is left of its 3 days, so no import races its expiry. */
export const RENEW_BEFORE_EXPIRY_MS = 12 * 3600_000;
/** The connector's import jobs are named `uko-<protection>-<time>-<random>`: it reuses only its own. */
const JOB_PREFIX = "uko-";

export interface ActiveImportJob {
  readonly name: string;
  readonly publicKeyPem: string;
  readonly expireTime: Date;
}

/**
 * The keystore's import jobs, one per protection level, shared by every import of the session.
 * Google's jobs cannot be deleted and live 3 days, so a job is reused until it nears expiry, and a
 * new session first adopts a still-valid job of an earlier one instead of creating another.
 */
export class ImportJobs {
  private readonly current = new Map<ProtectionLevel, Promise<ActiveImportJob>>();
  /** The job each pending promise settled on, for `forget`. */
  private readonly resolved = new Map<ProtectionLevel, ActiveImportJob>();
  private adopted = false;

  constructor(
    private readonly kms: Kms,
    private readonly keyRingName: string,
  ) {}

  async get(protection: ProtectionLevel, host: ConnectorHost): Promise<ActiveImportJob> {
    const pending = this.current.get(protection);
    if (pending) {
      const job = await pending.catch(() => undefined);
      if (job && job.expireTime.getTime() - host.clock.now().getTime() > RENEW_BEFORE_EXPIRY_MS) return job;
      if (this.current.get(protection) !== pending) return this.get(protection, host);
    }
    const next = this.obtain(protection, host).then((job) => {
      if (this.current.get(protection) === next) this.resolved.set(protection, job);
      return job;
    });
    this.current.set(protection, next);
    next.catch(() => {
      if (this.current.get(protection) === next) this.current.delete(protection);
    });
    return next;
  }

  /** Forgets a job Google refused (expired sooner than expected, or gone), so the next import gets a fresh one. */
  forget(protection: ProtectionLevel, name: string): void {
    if (this.resolved.get(protection)?.name !== name) return;
    this.resolved.delete(protection);
    this.current.delete(protection);
  }

  private async obtain(protection: ProtectionLevel, host: ConnectorHost): Promise<ActiveImportJob> {
    if (!this.adopted) {
      this.adopted = true;
      const existing = await this.findReusable(protection, host).catch((error: unknown) => {
        // Listing is only an economy: without cloudkms.importJobs.list the session makes its own job.
        if (error instanceof ConnectorError && error.code === "PERMISSION_DENIED") {
          host.logger.warn("cannot list import jobs to reuse one; creating a new one", { keyRing: this.keyRingName });
          return undefined;
        }
        throw error;
      });
      if (existing) return existing;
    }
    const id = `${JOB_PREFIX}${protection.toLowerCase()}-${host.clock.now().toISOString().replace(/\D/g, "").slice(0, 14)}-${randomBytes(3).toString("hex")}`;
    const [created] = await this.kms.call("cloudkms.importJobs.create", host, (o) =>
      this.kms.client.createImportJob({ parent: this.keyRingName, importJobId: id, importJob: { importMethod: IMPORT_METHOD, protectionLevel: protection } }, o),
    );
    const name = created.name ?? `${this.keyRingName}/importJobs/${id}`;
    const job = await pollUntil(
      "generating the import job's key",
      host,
      async () => (await this.kms.call("cloudkms.importJobs.get", host, (o) => this.kms.client.getImportJob({ name }, o)))[0],
      (j) => j.state !== "PENDING_GENERATION",
    );
    return active(job, protection);
  }

  /** A valid job an earlier session created, so sessions do not pile up jobs that cannot be deleted. */
  private async findReusable(protection: ProtectionLevel, host: ConnectorHost): Promise<ActiveImportJob | undefined> {
    const [jobs] = await this.kms.call("cloudkms.importJobs.list", host, (o) =>
      this.kms.client.listImportJobs({ parent: this.keyRingName, pageSize: 1000 }, { ...o, autoPaginate: false }),
    );
    const now = host.clock.now().getTime();
    const usable = jobs
      .filter((j) => j.state === "ACTIVE" && j.importMethod === IMPORT_METHOD && j.protectionLevel === protection && j.publicKey?.pem)
      .filter((j) => (j.name ?? "").split("/").pop()!.startsWith(JOB_PREFIX))
      .filter((j) => toDate(j.expireTime).getTime() - now > RENEW_BEFORE_EXPIRY_MS)
      .sort((a, b) => toDate(b.expireTime).getTime() - toDate(a.expireTime).getTime());
    return usable[0] ? active(usable[0], protection) : undefined;
  }
}

function active(job: ImportJob, protection: ProtectionLevel): ActiveImportJob {
  if (job.state !== "ACTIVE" || !job.publicKey?.pem || !job.name) {
    throw new ConnectorError("REMOTE_ERROR", `Cloud KMS's ${protection} import job ${job.name ?? ""} is ${String(job.state ?? "in an unknown state")}, not ACTIVE`);
  }
  return { name: job.name, publicKeyPem: job.publicKey.pem, expireTime: toDate(job.expireTime) };
}

export function toDate(timestamp: { seconds?: number | string | Long | null; nanos?: number | null } | null | undefined): Date {
  if (!timestamp) return new Date(0);
  return new Date(Number(timestamp.seconds ?? 0) * 1000 + Math.floor((timestamp.nanos ?? 0) / 1e6));
}

type Long = { toString(): string };
