import type { RequiredPermission } from "@uko/connector-sdk";

/**
 * The Cloud KMS permissions the connector uses, by Google's names, all granted by the two roles UKO
 * asks for on the key ring: Cloud KMS Admin (roles/cloudkms.admin) and Cloud KMS Crypto Operator
 * (roles/cloudkms.cryptoOperator). The connection test checks each one with testIamPermissions.
 */
export const GOOGLE_ROLES = ["roles/cloudkms.admin", "roles/cloudkms.cryptoOperator"] as const;

export const GOOGLE_PERMISSIONS: readonly RequiredPermission[] = [
  { name: "cloudkms.keyRings.get", description: "Check that the key ring exists" },
  { name: "cloudkms.cryptoKeys.create", description: "Create a crypto key for imported material when a managed key is activated" },
  { name: "cloudkms.cryptoKeys.get", description: "Read a crypto key's labels, algorithm and primary version" },
  { name: "cloudkms.cryptoKeys.list", description: "List crypto keys, to find drift, orphans and interrupted installations" },
  { name: "cloudkms.cryptoKeys.update", description: "Label keys as managed by this gateway, and make a rotated version primary" },
  { name: "cloudkms.cryptoKeyVersions.create", description: "Import the gateway's key material as a new version" },
  { name: "cloudkms.cryptoKeyVersions.get", description: "Follow an import until the version is enabled" },
  { name: "cloudkms.cryptoKeyVersions.list", description: "Read a key's versions and their states" },
  { name: "cloudkms.cryptoKeyVersions.update", description: "Enable and disable versions when a managed key is activated or deactivated" },
  { name: "cloudkms.cryptoKeyVersions.destroy", description: "Schedule versions for destruction (Google cannot delete keys)" },
  { name: "cloudkms.cryptoKeyVersions.restore", description: "Cancel a scheduled destruction" },
  { name: "cloudkms.cryptoKeyVersions.useToSign", description: "Prove an HMAC key holds the gateway's material (a MAC compared)" },
  { name: "cloudkms.cryptoKeyVersions.viewPublicKey", description: "Prove an RSA or EC key holds the gateway's material (its public key compared)" },
  { name: "cloudkms.importJobs.create", description: "Create the keystore's import job (RSA_OAEP_3072_SHA256_AES_256)" },
  { name: "cloudkms.importJobs.get", description: "Read the import job's wrapping key and state" },
  { name: "cloudkms.importJobs.list", description: "Reuse an import job that is still valid instead of creating another" },
  { name: "cloudkms.importJobs.useToImport", description: "Import key material with the import job" },
];
