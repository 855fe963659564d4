import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createTestTls, FaultPlan, SettableClock } from "@uko/emulator-kit";
import { createEmulatorServer } from "./server.js";
import { VaultStore, type StoredKey } from "./state.js";
import { TokenSigner } from "./tokens.js";
import { KEY_PERMISSIONS, type AzureKeyVaultEmulator, type AzureKeyVaultEmulatorOptions, type EmulatorPrincipal, type Fault, type RequestRecord } from "./types.js";

/** Test identities: obviously not real Azure GUIDs or secrets. */
export const DEFAULT_TENANT_ID = "00000000-0000-4000-a000-00000000e1e1";
export const DEFAULT_PRINCIPAL: EmulatorPrincipal = {
  clientId: "00000000-0000-4000-a000-00000000c11e",
  clientSecret: "uko-emulator_client.secret-0001",
};

/**
 * Starts a loopback emulator of Entra ID and one Azure Key Vault, on HTTPS with a CA made for this
 * run (the SDK's identity library refuses plain-http authorities). The real `@azure/identity` and
 * `@azure/keyvault-keys` talk to it with a real client-credentials grant and bearer tokens, and
 * BYOK imports are really unwrapped with the KEK's private key and checked.
 */
export async function startAzureKeyVaultEmulator(options: AzureKeyVaultEmulatorOptions = {}): Promise<AzureKeyVaultEmulator> {
  const host = options.host ?? "127.0.0.1";
  const tenantId = options.tenantId ?? DEFAULT_TENANT_ID;
  const vaultName = options.vaultName ?? "uko-emulator";
  const sku = options.sku ?? "premium";
  const retentionDays = options.softDeleteRetentionDays ?? 90;
  if (!Number.isInteger(retentionDays) || retentionDays < 7 || retentionDays > 90) throw new RangeError(`Soft-delete retention is 7 to 90 days, not ${retentionDays}`);
  const clock = options.clock ?? new SettableClock();
  const principals = new Map<string, EmulatorPrincipal>();
  for (const principal of options.principals ?? [DEFAULT_PRINCIPAL]) principals.set(principal.clientId, checkPrincipal(principal));

  const tls = createTestTls({ dnsNames: ["*.vault.azure.net", "login.microsoftonline.com"], caName: "UKO Azure Key Vault emulator CA" });
  const faults = new FaultPlan<Fault>();
  const log: RequestRecord[] = [];
  const closing = new AbortController();
  // The URLs are only known once listening; the state reads them lazily through `urls`.
  const urls = { base: "" };
  const state = {
    tls,
    get authorityHost() {
      return urls.base;
    },
    tenantId,
    vaultName,
    sku,
    clock,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3599,
    principals,
    signer: new TokenSigner(),
    // Set right after listening: the vault URL (in every kid) needs the port. No request is served before.
    store: undefined as unknown as VaultStore,
    backups: new Map<string, StoredKey>(),
    faults,
    log,
    closing: closing.signal,
  };
  const server = createEmulatorServer(state);
  server.listen(options.port ?? 0, host);
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  urls.base = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const store = new VaultStore(urls.base, retentionDays);
  state.store = store;
  const sweep = () => store.sweep(Math.floor(clock.now().getTime() / 1000));

  let closed: Promise<void> | undefined;
  return {
    endpoint: urls.base,
    authorityHost: urls.base,
    caPem: tls.caPem,
    tenantId,
    vaultName,
    sku,
    softDeleteRetentionDays: retentionDays,
    get principals() {
      return [...principals.values()].map((p) => ({ ...p }));
    },
    setPrincipal(principal) {
      principals.set(principal.clientId, checkPrincipal(principal));
    },
    clock,
    faults: { inject: (fault) => faults.inject(fault), clear: () => faults.clear() },
    inspect: {
      keyHoldsMaterial(name, material, version) {
        sweep();
        return store.holdsMaterial(name, material, version);
      },
      keyVersions(name) {
        sweep();
        return (store.peek(name)?.versions ?? []).map((v) => ({ version: v.version, kty: v.kty, enabled: v.enabled, tags: { ...v.tags } }));
      },
      isDeleted(name) {
        sweep();
        return store.peek(name)?.deleted !== undefined;
      },
      requests: () => log.map((r) => ({ ...r })),
      keyCount() {
        sweep();
        return store.count();
      },
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

function checkPrincipal(principal: EmulatorPrincipal): EmulatorPrincipal {
  if (!principal.clientId || !principal.clientSecret) throw new RangeError("An emulator principal needs a clientId and a clientSecret");
  const permissions = principal.permissions;
  if (Array.isArray(permissions)) {
    const unknown = permissions.filter((p) => !KEY_PERMISSIONS.includes(p));
    if (unknown.length) throw new RangeError(`Unknown key permissions: ${unknown.join(", ")}`);
  }
  return { ...principal, ...(Array.isArray(permissions) ? { permissions: [...permissions] } : {}) };
}
