import { timingSafeEqual } from "node:crypto";
import { createTestTls, FaultPlan, SettableClock } from "@uko/emulator-kit";
import { ServiceAccounts } from "./auth.js";
import { startGrpcServer } from "./server.js";
import { KmsState } from "./state.js";
import type { Fault, GoogleKmsEmulator, GoogleKmsEmulatorOptions, RequestRecord } from "./types.js";

export const DEFAULT_PROJECT_ID = "uko-emulator";
export const DEFAULT_LOCATION = "global";
export const DEFAULT_KEY_RING = "uko";
/** The default service account's name; its key file is in `emulator.keyFile`. */
export const DEFAULT_SERVICE_ACCOUNT = "uko-gateway";

/**
 * Starts a Cloud KMS emulator on the loopback interface: gRPC over TLS (a fresh test CA per start)
 * that the real `@google-cloud/kms` client talks to with a service-account key. It verifies the
 * SDK's self-signed JWTs, checks each method's IAM permission per service account, keeps key
 * rings, crypto keys, versions and import jobs with Google's state machines on a settable clock,
 * and really unwraps imported material, which it then uses for Encrypt/Decrypt/MacSign/
 * AsymmetricSign/AsymmetricDecrypt/GetPublicKey.
 */
export async function startGoogleKmsEmulator(options: GoogleKmsEmulatorOptions = {}): Promise<GoogleKmsEmulator> {
  const host = options.host ?? "127.0.0.1";
  if (!["127.0.0.1", "::1", "localhost"].includes(host)) throw new RangeError(`The emulator listens on loopback only, not "${host}"`);
  const projectId = options.projectId ?? DEFAULT_PROJECT_ID;
  const location = options.location ?? DEFAULT_LOCATION;
  const clock = options.clock ?? new SettableClock();
  const state = new KmsState();
  const accounts = new ServiceAccounts();
  const faults = new FaultPlan<Fault>();
  const log: RequestRecord[] = [];
  const closing = new AbortController();
  const createKeyRing = (project: string, loc: string, keyRingId: string): string =>
    state.createKeyRing(`projects/${project}/locations/${loc}`, keyRingId, clock.now()).name;
  for (const ring of options.keyRings ?? [DEFAULT_KEY_RING]) createKeyRing(projectId, location, ring);
  const keyFile = accounts.add(DEFAULT_SERVICE_ACCOUNT, projectId, "*");

  const tls = createTestTls({ caName: "UKO Google Cloud KMS emulator CA" });
  const { server, port } = await startGrpcServer({ state, accounts, clock, faults, log, closing: closing.signal }, tls, host, options.port ?? 0);
  let closed: Promise<void> | undefined;

  const versionMaterial = (name: string): Buffer | undefined => {
    state.sweep(clock.now(), false);
    try {
      const { version } = state.version(name);
      return version.state === "ENABLED" || version.state === "DISABLED" || version.state === "DESTROY_SCHEDULED" ? version.material : undefined;
    } catch {
      return undefined;
    }
  };

  return {
    endpoint: `${host.includes(":") ? `[${host}]` : host}:${port}`,
    host,
    port,
    caPem: tls.caPem,
    projectId,
    location,
    clock,
    keyFile,
    addServiceAccount: (account) => accounts.add(account.name, account.projectId ?? projectId, account.permissions),
    deleteServiceAccountKey: (privateKeyId) => accounts.deleteKey(privateKeyId),
    createKeyRing,
    faults: { inject: (fault) => faults.inject(fault), clear: () => faults.clear() },
    inspect: {
      requests: () => log.map((r) => ({ ...r })),
      versionMaterial: (name) => {
        const material = versionMaterial(name);
        return material ? Buffer.from(material) : undefined;
      },
      keyHoldsMaterial(cryptoKeyName, material) {
        const key = state.cryptoKeys.get(cryptoKeyName);
        return (key?.versions ?? []).some((v) => {
          const held = versionMaterial(v.name);
          return held !== undefined && held.length === material.length && timingSafeEqual(held, material);
        });
      },
      counts: () => ({ cryptoKeys: state.cryptoKeys.size, importJobs: state.importJobs.size }),
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        // Hung calls would otherwise hold a graceful shutdown open.
        server.forceShutdown();
        resolve();
      });
      return closed;
    },
  };
}
