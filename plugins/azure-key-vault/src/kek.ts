import type { KeyVaultKey } from "@azure/keyvault-keys";
import { ConnectorError, repairHint, type ConnectorHost, type RepairCapability } from "@uko/connector-sdk";
import { standardVaultError } from "./errors.js";
import type { Vault } from "./vault-client.js";

/**
 * The key exchange key (KEK) the gateway imports keys with (peers-and-byok §6.3): an RSA-HSM key
 * whose only operation is `import`, in the same vault, under the name UKO uses. The gateway creates
 * it on connect; if it later disappears, installs fail with the remedy instead of a raw 404.
 */
export const KEK_NAME = "EKMF-BYOK-KEK-FOR-IMPORT";
/** RSA-3072: about 128-bit strength for the AES key that wraps each imported key. */
export const KEK_SIZE = 3072;
/** The connector's repair action (capabilities.repair): ensureKek on a user's request. */
export const KEK_REPAIR: RepairCapability = {
  label: "Recreate import key",
  description: `Makes the key exchange key ${KEK_NAME} ready again: recovers it when it was soft-deleted, enables it when it was disabled, creates a new one when it was purged. Refused when a key of that name is not an import-only RSA-HSM key.`,
};
/** Poll interval for Azure's recover poller; its default of 2 s would dominate the call. */
const POLL_MS = 250;

export type KekStatus =
  | { state: "ready"; key: KeyVaultKey }
  | { state: "missing" }
  | { state: "disabled" }
  | { state: "deleted"; purgeDate?: Date }
  | { state: "invalid"; reason: string };

export async function kekStatus(vault: Vault, host: ConnectorHost): Promise<KekStatus> {
  let key: KeyVaultKey;
  try {
    key = await vault.call("get", host, (c, o) => c.getKey(KEK_NAME, o));
  } catch (error) {
    if (!(error instanceof ConnectorError)) throw error;
    if (error.code === "PERMISSION_DENIED" && /disabled/i.test(error.message)) return { state: "disabled" };
    if (error.code !== "NOT_FOUND") throw error;
    try {
      const deleted = await vault.call("get", host, (c, o) => c.getDeletedKey(KEK_NAME, o));
      return deleted.properties.scheduledPurgeDate ? { state: "deleted", purgeDate: deleted.properties.scheduledPurgeDate } : { state: "deleted" };
    } catch (deletedError) {
      if (deletedError instanceof ConnectorError && deletedError.code === "NOT_FOUND") return { state: "missing" };
      throw deletedError;
    }
  }
  if (key.keyType !== "RSA-HSM" || key.keyOperations?.length !== 1 || key.keyOperations[0] !== "import") {
    return { state: "invalid", reason: `it is an ${key.keyType ?? "unknown"} key with operations ${(key.keyOperations ?? []).join(", ") || "none"}` };
  }
  if (key.properties.enabled === false) return { state: "disabled" };
  return { state: "ready", key };
}

/** What is wrong with the KEK and how to fix it, in words; undefined when it is ready. */
export function kekProblem(status: KekStatus, vaultName: string): string | undefined {
  const gateway = `let the gateway do it: ${repairHint(KEK_REPAIR)}`;
  switch (status.state) {
    case "ready":
      return undefined;
    case "missing":
      return `The vault has no key ${KEK_NAME}, the key exchange key every import is wrapped for. It is created when the keystore is connected; if it was deleted and purged, let the gateway create a new one: ${repairHint(KEK_REPAIR)}. Do not delete it in Azure.`;
    case "deleted":
      return `The key exchange key ${KEK_NAME} was deleted in Azure${status.purgeDate ? ` and is recoverable until ${status.purgeDate.toISOString()}` : ""}. Recover it (az keyvault key recover --vault-name ${vaultName} --name ${KEK_NAME}), or ${gateway}.`;
    case "disabled":
      return `The key exchange key ${KEK_NAME} is disabled in Azure. Enable it (az keyvault key set-attributes --vault-name ${vaultName} --name ${KEK_NAME} --enabled true), or ${gateway}.`;
    case "invalid":
      return `A key named ${KEK_NAME} exists in the vault but is not an import-only RSA-HSM key (${status.reason}). Delete and purge it in Azure, then create the right one: ${repairHint(KEK_REPAIR)}.`;
  }
}

/** The KEK for an import, or a ConnectorError that says what to do (a configuration problem of the keystore). */
export async function readyKek(vault: Vault, host: ConnectorHost): Promise<KeyVaultKey> {
  const status = await kekStatus(vault, host);
  if (status.state === "ready") return status.key;
  throw new ConnectorError("INVALID_PROPERTIES", kekProblem(status, vault.connection.vaultName)!);
}

/**
 * Makes the KEK ready, idempotently: creates it when missing, enables it when disabled, recovers
 * it when soft-deleted. A Standard vault cannot hold it: that is refused with the reason.
 */
export async function ensureKek(vault: Vault, host: ConnectorHost): Promise<KeyVaultKey> {
  const status = await kekStatus(vault, host);
  switch (status.state) {
    case "ready":
      return status.key;
    case "invalid":
      throw new ConnectorError("CONFLICT", kekProblem(status, vault.connection.vaultName)!);
    case "disabled":
      host.logger.info("re-enabling the key exchange key", { key: KEK_NAME });
      return vault.call("update", host, (c, o) => c.updateKeyProperties(KEK_NAME, { ...o, enabled: true }));
    case "deleted":
      host.logger.info("recovering the soft-deleted key exchange key", { key: KEK_NAME });
      await vault.call("recover", host, async (c, o) => (await c.beginRecoverDeletedKey(KEK_NAME, { ...o, intervalInMs: POLL_MS })).pollUntilDone(o));
      return readyKek(vault, host);
    case "missing":
      host.logger.info("creating the key exchange key", { key: KEK_NAME });
      try {
        return await vault.call("create", host, (c, o) =>
          c.createKey(KEK_NAME, "RSA-HSM", { ...o, keySize: KEK_SIZE, keyOps: ["import"], tags: { "uko:purpose": "BYOK key exchange key; do not delete" } }),
        );
      } catch (error) {
        if (error instanceof ConnectorError && error.code === "UNSUPPORTED") throw standardVaultError();
        throw error;
      }
  }
}
