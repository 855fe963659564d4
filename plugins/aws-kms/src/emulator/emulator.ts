import { createHmac, timingSafeEqual } from "node:crypto";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { FaultPlan } from "./faults.js";
import { ImportTokens, warmWrappingKeys } from "./import.js";
import { Paginator } from "./pagination.js";
import { createKmsServer } from "./server.js";
import { KmsStore } from "./state.js";
import type { AwsKmsEmulator, AwsKmsEmulatorOptions, EmulatorIdentity, RequestRecord, WrappingKeySpecName } from "./types.js";

/** The identity an emulator has when none are given: allowed everything, in the emulator's account. */
export const DEFAULT_EMULATOR_IDENTITY: Readonly<EmulatorIdentity> = Object.freeze({
  accessKeyId: "EMUKEMULATOR00000001",
  secretAccessKey: "emulator/Secret+Key/000000000000000000001",
  userName: "emulator",
});

export const DEFAULT_REGION = "us-east-1";
export const DEFAULT_ACCOUNT_ID = "111122223333";

/**
 * Starts an AWS KMS emulator on the loopback interface. It speaks KMS's JSON 1.1 API to the real
 * AWS SDK, verifies SigV4 with the identities' secrets, authorises each action, keeps keys,
 * aliases and tags per account, and really unwraps imported key material.
 */
export async function startAwsKmsEmulator(options: AwsKmsEmulatorOptions = {}): Promise<AwsKmsEmulator> {
  const host = options.host ?? "127.0.0.1";
  const region = options.region ?? DEFAULT_REGION;
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(region)) throw new RangeError(`Not a region name: "${region}"`);
  if (!/^\d{12}$/.test(accountId)) throw new RangeError(`An AWS account id is 12 digits, not "${accountId}"`);
  const now = options.now ?? (() => new Date());

  const identities = new Map<string, EmulatorIdentity>();
  for (const identity of options.identities ?? [DEFAULT_EMULATOR_IDENTITY]) identities.set(identity.accessKeyId, checkIdentity(identity));

  // Wrapping keys asked for up front are ready before the first request.
  const specs = Object.keys(options.wrappingKeyBits ?? {}) as WrappingKeySpecName[];
  await Promise.all(specs.map((spec) => warmWrappingKeys(spec)));

  const store = new KmsStore(region);
  const faults = new FaultPlan();
  const log: RequestRecord[] = [];
  const closing = new AbortController();
  const server = createKmsServer({ region, accountId, now, identities, store, tokens: new ImportTokens(), paginator: new Paginator(), faults, log, closing: closing.signal });
  server.listen(options.port ?? 0, host);
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  let closed: Promise<void> | undefined;
  const materialOf = (keyId: string): Buffer | undefined => {
    store.sweep(now());
    return store.peek(keyId)?.material;
  };

  return {
    endpoint,
    region,
    accountId,
    get identities() {
      return [...identities.values()].map((identity) => ({ ...identity }));
    },
    setIdentity(identity) {
      identities.set(identity.accessKeyId, checkIdentity(identity));
    },
    faults: {
      inject: (fault) => faults.inject(fault),
      clear: () => faults.clear(),
    },
    inspect: {
      keyHoldsMaterial(keyId, material) {
        const held = materialOf(keyId);
        if (!held || held.length !== material.length) return false;
        return timingSafeEqual(held, material);
      },
      keyCheckValue(keyId) {
        const held = materialOf(keyId);
        return held ? createHmac("sha256", held).update(Buffer.alloc(16)).digest().subarray(0, 3).toString("hex") : undefined;
      },
      requests: () => log.map((r) => ({ ...r })),
      keyCount() {
        store.sweep(now());
        return store.count();
      },
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        // Hung requests and idle keep-alive connections would otherwise hold close() open.
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

function checkIdentity(identity: EmulatorIdentity): EmulatorIdentity {
  if (!identity.accessKeyId || !identity.secretAccessKey) throw new RangeError("An emulator identity needs an accessKeyId and a secretAccessKey");
  if (identity.accountId !== undefined && !/^\d{12}$/.test(identity.accountId)) {
    throw new RangeError(`An AWS account id is 12 digits, not "${identity.accountId}"`);
  }
  return { ...identity, ...(Array.isArray(identity.allowedActions) ? { allowedActions: [...identity.allowedActions] } : {}) };
}
