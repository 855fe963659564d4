import { randomBytes, randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createTestTls, FaultPlan, SettableClock } from "@uko/emulator-kit";
import { IamService } from "./iam.js";
import { createIbmServer } from "./server.js";
import { instancesFrom, type Instance } from "./state.js";
import type { ApiKeyIdentity, Fault, IbmKmsEmulatorOptions, InstanceSpec, RecordedRequest } from "./types.js";

export interface IbmKmsEmulator {
  /** https://127.0.0.1:<port>: both the IAM URL and the API URL. */
  readonly endpoint: string;
  readonly region: string;
  /** The CA that signed the emulator's certificate: what a client trusts. */
  readonly caPem: string;
  readonly instances: readonly InstanceSpec[];
  readonly identities: readonly ApiKeyIdentity[];
  readonly clock: SettableClock;
  readonly faults: { inject(fault: Fault): void; clear(): void };
  readonly inspect: {
    requests(): readonly RecordedRequest[];
    /** Whether the key's current version holds exactly `material` (the proof that an import worked). */
    keyHoldsMaterial(instanceId: string, keyId: string, material: Uint8Array): boolean;
    versions(instanceId: string, keyId: string): number;
    /** Registers a cloud resource with a key (as a COS bucket would), so deletion is refused. */
    addRegistration(instanceId: string, keyId: string, resourceCrn: string): void;
  };
  close(): Promise<void>;
}

/**
 * IBM IAM + the Key Protect v2 API on loopback over TLS (a fresh CA per run). By default one Key
 * Protect and one HPCS instance, and an API key with the Manager role on both.
 */
export async function startIbmKmsEmulator(options: IbmKmsEmulatorOptions = {}): Promise<IbmKmsEmulator> {
  const region = options.region ?? "us-south";
  const instances = options.instances ?? [
    { id: randomUUID(), variant: "key_protect" as const },
    { id: randomUUID(), variant: "hpcs" as const },
  ];
  const identities = options.identities ?? [
    { apiKey: `emulator-${randomBytes(20).toString("hex")}`, iamId: `iam-ServiceId-${randomUUID()}`, permissions: Object.fromEntries(instances.map((i) => [i.id, "*" as const])) },
  ];
  const clock = new SettableClock();
  const tls = createTestTls({ caName: "UKO IBM KMS emulator CA" });
  const closing = new AbortController();
  const log: RecordedRequest[] = [];
  const state = {
    tls,
    clock,
    iam: new IamService(identities, clock, options.tokenLifetimeSeconds ?? 3600),
    instances: instancesFrom(instances),
    faults: new FaultPlan<Fault>(),
    log,
    crnBase: `crn:v1:bluemix:public:kms:${region}:a/emulator`,
    closing: closing.signal,
  };
  const server = createIbmServer(state);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const instance = (id: string): Instance => {
    const found = state.instances.get(id);
    if (!found) throw new Error(`No emulated instance ${id}`);
    return found;
  };
  return {
    endpoint: `https://127.0.0.1:${port}`,
    region,
    caPem: tls.caPem,
    instances,
    identities,
    clock,
    faults: { inject: (fault) => state.faults.inject(fault), clear: () => state.faults.clear() },
    inspect: {
      requests: () => [...log],
      keyHoldsMaterial: (instanceId, keyId, material) => instance(instanceId).keys.get(keyId)?.versions.at(-1)?.material.equals(Buffer.from(material)) ?? false,
      versions: (instanceId, keyId) => instance(instanceId).keys.get(keyId)?.versions.length ?? 0,
      addRegistration: (instanceId, keyId, crn) => void instance(instanceId).keys.get(keyId)?.registrations.push(crn),
    },
    close: async () => {
      closing.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
