import { randomUUID } from "node:crypto";
import type { KeyClient } from "@azure/keyvault-keys";
import { ConnectorError, type ConnectionCheck, type ConnectionTestReport, type ConnectorHost, type TestContext } from "@uko/connector-sdk";
import { standardVaultError } from "./errors.js";
import { KEK_NAME, kekProblem, kekStatus } from "./kek.js";
import { AZURE_PERMISSIONS } from "./permissions.js";
import type { Vault } from "./vault-client.js";

/**
 * The connection test: reachability and authentication with a one-item key list, then each of the
 * ten key permissions, the vault's tier and the key exchange key, without changing anything.
 *
 * Key Vault authorises a request before it looks at the key or the body, so each probe aims at a
 * key that cannot exist (a fresh random name) or carries a body that cannot succeed: 403 means the
 * permission is missing; 404 or 400 means it is there. Nothing is created, changed or deleted.
 * The create probe asks for an HSM key of an impossible size, which also tells the tier: a Standard
 * vault refuses any HSM key before it looks at the size.
 */
type Probe = (client: KeyClient, probeName: string, options: { abortSignal: AbortSignal }) => Promise<unknown>;

const INVALID_TRANSFER_BLOB = new Uint8Array(Buffer.from(JSON.stringify({ schema_version: "1.0.0", header: { kid: "", alg: "dir", enc: "CKM_RSA_AES_KEY_WRAP" }, ciphertext: "" })));

const PROBES: Record<string, Probe> = {
  get: (c, n, o) => c.getKey(n, o),
  update: (c, n, o) => c.updateKeyProperties(n, "", { ...o, enabled: false }),
  delete: async (c, n, o) => (await c.beginDeleteKey(n, { ...o, intervalInMs: 50 })).pollUntilDone(o),
  recover: async (c, n, o) => (await c.beginRecoverDeletedKey(n, { ...o, intervalInMs: 50 })).pollUntilDone(o),
  purge: (c, n, o) => c.purgeDeletedKey(n, o),
  backup: (c, n, o) => c.backupKey(n, o),
  restore: (c, _n, o) => c.restoreKeyBackup(new Uint8Array([0x75, 0x6b, 0x6f]), o),
  import: (c, n, o) => c.importKey(n, { kty: "RSA-HSM", keyOps: ["sign"], t: INVALID_TRANSFER_BLOB }, o),
  create: (c, n, o) => c.createKey(n, "RSA-HSM", { ...o, keySize: 1 }),
};

export async function testConnection(vault: Vault, host: ConnectorHost, context?: TestContext): Promise<ConnectionTestReport> {
  const checks: ConnectionCheck[] = [];
  let list: ConnectionCheck;
  try {
    await vault.call("list", host, async (c, o) => c.listPropertiesOfKeys(o).byPage({ maxPageSize: 1 }).next());
    list = permissionCheck("list", "passed", "Allowed: the key list was read");
  } catch (error) {
    // Unreachable or refused credentials: nothing else can be checked, and the error says why.
    if (!(error instanceof ConnectorError) || error.code !== "PERMISSION_DENIED") throw error;
    list = permissionCheck("list", "failed", error.message);
  }
  checks.push(
    { name: "reachability", kind: "reachability", outcome: "passed", message: `${vault.where} answered` },
    { name: "authentication", kind: "authentication", outcome: "passed", message: `Entra ID signed in service principal ${vault.connection.clientId}` },
  );

  const probeName = `uko-permission-probe-${randomUUID()}`;
  let tier: ConnectionCheck | undefined;
  const single = { ...host, retry: { ...host.retry, maxAttempts: 1 } };
  const results = await Promise.all(
    AZURE_PERMISSIONS.map(async ({ name }): Promise<ConnectionCheck> => {
      if (name === "list") return list;
      try {
        await vault.call(name, single, (c, o) => PROBES[name]!(c, probeName, o));
        // A probe that succeeded changed something; none can (see above), but say it plainly if one did.
        return permissionCheck(name, "passed", "Allowed");
      } catch (error) {
        if (!(error instanceof ConnectorError)) throw error;
        if (error.code === "PERMISSION_DENIED") return permissionCheck(name, "failed", error.message);
        if (error.code === "NOT_FOUND") return permissionCheck(name, "passed", "Allowed: Key Vault looked for a probe key that does not exist");
        if (name === "create" && error.code === "UNSUPPORTED") {
          tier = { name: "vault-tier", kind: "configuration", outcome: "failed", message: standardVaultError().message };
          return permissionCheck(name, "passed", "Allowed: Key Vault checked the vault's tier for a probe key");
        }
        if (error.code === "REMOTE_ERROR" && !error.retryable) {
          if (name === "create") tier = { name: "vault-tier", kind: "configuration", outcome: "passed", message: "Premium: the vault accepts HSM-protected keys" };
          return permissionCheck(name, "passed", "Allowed: Key Vault refused a deliberately invalid probe on its merits");
        }
        if (error.code === "UNREACHABLE" || error.code === "AUTHENTICATION_FAILED") throw error;
        return permissionCheck(name, "not_verifiable", `Key Vault's answer did not tell: ${error.message}`);
      }
    }),
  );
  checks.push(...results);

  const kek = await kekStatus(vault, host).catch((error: unknown) => {
    if (error instanceof ConnectorError && error.code === "PERMISSION_DENIED") return undefined;
    throw error;
  });
  if (!tier) {
    tier =
      kek?.state === "ready"
        ? { name: "vault-tier", kind: "configuration", outcome: "passed", message: `Premium: the vault holds the HSM-protected key ${KEK_NAME}` }
        : { name: "vault-tier", kind: "configuration", outcome: "not_verifiable", message: "The vault's tier could not be told without the create permission; Standard vaults are refused on connect" };
  }
  // A connected keystore's KEK was made on connect: missing now, it was purged.
  const inUse = kek?.state === "missing" ? context?.connected === true || (await holdsManagedKeys(vault, host)) : false;
  checks.push(tier, kekCheck(kek, vault.connection.vaultName, inUse));
  return { checks };
}

/**
 * Whether the first page of keys holds keys the gateway installed: then a missing KEK was purged
 * after connecting (a failure), not yet created (a vault being connected for the first time). For
 * properties under test, which the gateway does not say are connected.
 */
async function holdsManagedKeys(vault: Vault, host: ConnectorHost): Promise<boolean> {
  const page = await vault.call("list", host, async (c, o) => c.listPropertiesOfKeys(o).byPage({ maxPageSize: 25 }).next());
  return !page.done && page.value.some((k) => k.tags?.["uko:managed-by"] === "uko-gateway");
}

function kekCheck(status: Awaited<ReturnType<typeof kekStatus>> | undefined, vaultName: string, inUse: boolean): ConnectionCheck {
  const name = "import-key";
  if (!status) return { name, kind: "configuration", outcome: "not_verifiable", message: `${KEK_NAME} could not be read (the get permission is missing)` };
  if (status.state === "ready") return { name, kind: "configuration", outcome: "passed", message: `The key exchange key ${KEK_NAME} is ready` };
  if (status.state === "missing" && !inUse) {
    return { name, kind: "configuration", outcome: "skipped", message: `${KEK_NAME} does not exist yet: the gateway creates it when the keystore is connected. ${kekProblem(status, vaultName)}` };
  }
  return { name, kind: "configuration", outcome: "failed", message: kekProblem(status, vaultName)! };
}

function permissionCheck(permission: string, outcome: ConnectionCheck["outcome"], message: string): ConnectionCheck {
  return { name: `permission:${permission}`, kind: "permission", permission, outcome, message };
}
