import type { RequiredPermission } from "@uko/connector-sdk";

/** The IAM actions of Key Protect / HPCS key management that a root key's lifecycle needs (the Manager role has them all). */
export const IBM_PERMISSIONS: readonly RequiredPermission[] = [
  { name: "kms.keyrings.list", description: "List the key rings (the connection test checks that the keystore's ring exists)." },
  { name: "kms.secrets.list", description: "List the keys in the key ring (sync, finding copies, the connection test)." },
  { name: "kms.secrets.readmetadata", description: "Read a key's metadata and state." },
  { name: "kms.secrets.create", description: "Import a root key (secure import with an import token)." },
  { name: "kms.importtoken.create", description: "Create an import token for a secure import." },
  { name: "kms.importtoken.read", description: "Retrieve the import token's public key and nonce." },
  { name: "kms.secrets.rotate", description: "Rotate a key with new imported material (a new version of the same key)." },
  { name: "kms.secrets.enable", description: "Enable a disabled key." },
  { name: "kms.secrets.disable", description: "Disable a key (deactivate a managed key)." },
  { name: "kms.secrets.delete", description: "Delete a key (destroy a managed key)." },
  { name: "kms.secrets.restore", description: "Restore a deleted key within 30 days (cancel a destruction)." },
  { name: "kms.secrets.createalias", description: "Give a key the alias that marks it as a managed copy." },
];
