import type { RequiredPermission } from "@uko/connector-sdk";

/** The AWS KMS actions UKO needs (uko-api.md), with what the gateway uses each one for. */
export const AWS_PERMISSIONS: readonly RequiredPermission[] = [
  { name: "kms:CreateKey", description: "Create a key for imported key material when a managed key is activated" },
  { name: "kms:DescribeKey", description: "Read a key's state, spec and dates" },
  { name: "kms:GetParametersForImport", description: "Get the wrapping public key and import token" },
  { name: "kms:ImportKeyMaterial", description: "Import the gateway's key material into a key" },
  { name: "kms:DeleteImportedKeyMaterial", description: "Remove key material from a key" },
  { name: "kms:CreateAlias", description: "Name a key with the managed key's name" },
  { name: "kms:DeleteAlias", description: "Remove a key's name" },
  { name: "kms:UpdateAlias", description: "Move a key's name to its new key when it is rotated" },
  { name: "kms:ListAliases", description: "Find keys by name" },
  { name: "kms:ListKeys", description: "List keys, to find drift and orphans" },
  { name: "kms:TagResource", description: "Tag keys as managed by this gateway" },
  { name: "kms:UntagResource", description: "Remove the gateway's tags" },
  { name: "kms:ListResourceTags", description: "Read a key's tags" },
  { name: "kms:ScheduleKeyDeletion", description: "Destroy a key after AWS's waiting period" },
  { name: "kms:CancelKeyDeletion", description: "Cancel a scheduled deletion" },
  { name: "kms:GetKeyPolicy", description: "Read a key's policy" },
  { name: "kms:ListKeyPolicies", description: "List a key's policies" },
  { name: "kms:EnableKey", description: "Enable a key when its managed key is activated" },
  { name: "kms:DisableKey", description: "Disable a key when its managed key is deactivated" },
  { name: "kms:GetPublicKey", description: "Check that an RSA or EC key holds the managed key's material (its public key)" },
  { name: "kms:GenerateMac", description: "Check that an HMAC key holds the managed key's material (a MAC over a random message)" },
];

/** The IAM policy a person attaches to the gateway's user or role (also printed in the README). */
export function iamPolicy(): string {
  return JSON.stringify(
    {
      Version: "2012-10-17",
      Statement: [{ Sid: "UkoKeyOrchestrator", Effect: "Allow", Action: AWS_PERMISSIONS.map((p) => p.name), Resource: "*" }],
    },
    null,
    2,
  );
}
