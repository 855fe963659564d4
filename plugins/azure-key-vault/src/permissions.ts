import type { RequiredPermission } from "@uko/connector-sdk";

/** The ten key permissions UKO needs in the vault's access policy (or an RBAC role granting them). */
export const AZURE_PERMISSIONS: readonly RequiredPermission[] = [
  { name: "create", description: "Create the key exchange key (EKMF-BYOK-KEK-FOR-IMPORT) on connect" },
  { name: "import", description: "Import the gateway's key material (BYOK) as a key or a new version" },
  { name: "update", description: "Enable, disable and tag keys" },
  { name: "list", description: "List keys and their versions, to find drift and orphans" },
  { name: "delete", description: "Delete (soft-delete) a destroyed key" },
  { name: "get", description: "Read a key's state, versions and public key" },
  { name: "recover", description: "Cancel a destruction by recovering the soft-deleted key" },
  { name: "purge", description: "Purge a destroyed key when the template's window has passed" },
  { name: "backup", description: "Back keys up (UKO's permission set; the gateway does not back up today)" },
  { name: "restore", description: "Restore keys from a backup (UKO's permission set; the gateway does not restore today)" },
];

/** The Azure CLI line that grants them to the service principal (printed in the README). */
export function accessPolicyCommand(vaultName: string, clientId: string): string {
  return `az keyvault set-policy --name ${vaultName} --spn ${clientId} --key-permissions ${AZURE_PERMISSIONS.map((p) => p.name).join(" ")}`;
}
