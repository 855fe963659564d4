import { randomUUID } from "node:crypto";
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  DeleteAliasCommand,
  DeleteImportedKeyMaterialCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  GenerateMacCommand,
  GetKeyPolicyCommand,
  GetParametersForImportCommand,
  GetPublicKeyCommand,
  ImportKeyMaterialCommand,
  ListAliasesCommand,
  ListKeyPoliciesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
} from "@aws-sdk/client-kms";
import { ConnectorError, type ConnectionCheck, type ConnectionTestReport, type ConnectorHost } from "@uko/connector-sdk";
import type { AwsConnection, Kms } from "./kms-client.js";
import { AWS_PERMISSIONS } from "./permissions.js";

/**
 * The connection test: reachability and authentication with ListKeys, then every permission UKO
 * needs, without changing anything in the account.
 *
 * KMS authorises a request before it looks up the key, so an action aimed at a key that cannot
 * exist (a fresh random id) answers AccessDeniedException when the action is denied and
 * NotFoundException when it is allowed, and touches nothing either way. CreateKey has no such
 * probe (it needs no key), so it is reported as not verifiable rather than tried. The account
 * comes from a key ARN in the list, or from the ARNs in AWS's refusals and not-found messages.
 */
type Probe = (probeKeyId: string, probeAlias: string) => { readonly input: object };

const PROBES: Record<string, Probe | undefined> = {
  "kms:DescribeKey": (KeyId) => new DescribeKeyCommand({ KeyId }),
  "kms:GetParametersForImport": (KeyId) =>
    new GetParametersForImportCommand({ KeyId, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_3072" }),
  "kms:ImportKeyMaterial": (KeyId) =>
    new ImportKeyMaterialCommand({
      KeyId,
      ImportToken: new Uint8Array(1),
      EncryptedKeyMaterial: new Uint8Array(1),
      ExpirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE",
    }),
  "kms:DeleteImportedKeyMaterial": (KeyId) => new DeleteImportedKeyMaterialCommand({ KeyId }),
  "kms:CreateAlias": (KeyId, AliasName) => new CreateAliasCommand({ AliasName, TargetKeyId: KeyId }),
  "kms:DeleteAlias": (_, AliasName) => new DeleteAliasCommand({ AliasName }),
  "kms:UpdateAlias": (KeyId, AliasName) => new UpdateAliasCommand({ AliasName, TargetKeyId: KeyId }),
  "kms:ListAliases": () => new ListAliasesCommand({ Limit: 1 }),
  "kms:TagResource": (KeyId) => new TagResourceCommand({ KeyId, Tags: [{ TagKey: "uko:permission-probe", TagValue: "" }] }),
  "kms:UntagResource": (KeyId) => new UntagResourceCommand({ KeyId, TagKeys: ["uko:permission-probe"] }),
  "kms:ListResourceTags": (KeyId) => new ListResourceTagsCommand({ KeyId }),
  "kms:ScheduleKeyDeletion": (KeyId) => new ScheduleKeyDeletionCommand({ KeyId, PendingWindowInDays: 30 }),
  "kms:CancelKeyDeletion": (KeyId) => new CancelKeyDeletionCommand({ KeyId }),
  "kms:GetKeyPolicy": (KeyId) => new GetKeyPolicyCommand({ KeyId, PolicyName: "default" }),
  "kms:ListKeyPolicies": (KeyId) => new ListKeyPoliciesCommand({ KeyId }),
  "kms:EnableKey": (KeyId) => new EnableKeyCommand({ KeyId }),
  "kms:DisableKey": (KeyId) => new DisableKeyCommand({ KeyId }),
  "kms:GetPublicKey": (KeyId) => new GetPublicKeyCommand({ KeyId }),
  "kms:GenerateMac": (KeyId) => new GenerateMacCommand({ KeyId, Message: new Uint8Array(1), MacAlgorithm: "HMAC_SHA_256" }),
};

export async function testConnection(kms: Kms, connection: AwsConnection, host: ConnectorHost): Promise<ConnectionTestReport> {
  const where = connection.endpoint ?? `AWS KMS in ${connection.region}`;
  const checks: ConnectionCheck[] = [];
  let account: string | undefined;
  let listKeys: ConnectionCheck;
  try {
    const page = await kms.send(new ListKeysCommand({ Limit: 1 }), "kms:ListKeys", host);
    account = accountOf(page.Keys?.[0]?.KeyArn);
    listKeys = permissionCheck("kms:ListKeys", "passed", "Allowed: the key list was read");
  } catch (error) {
    // Unreachable or refused credentials: nothing else can be checked, and the error says why.
    if (!(error instanceof ConnectorError) || error.code !== "PERMISSION_DENIED") throw error;
    account = accountOf(error.message);
    listKeys = permissionCheck("kms:ListKeys", "failed", error.message);
  }
  checks.push(
    { name: "reachability", kind: "reachability", outcome: "passed", message: `${where} answered` },
    { name: "authentication", kind: "authentication", outcome: "passed", message: `AWS accepted access key ${connection.accessKeyId}` },
  );

  const probeKeyId = randomUUID();
  const probeAlias = `alias/uko-permission-probe-${probeKeyId}`;
  const results = await Promise.all(
    AWS_PERMISSIONS.map(async ({ name }): Promise<ConnectionCheck> => {
      if (name === "kms:ListKeys") return listKeys;
      const probe = PROBES[name];
      if (!probe) return permissionCheck(name, "not_verifiable", "AWS offers no way to check this without creating a key; it is checked when a key is first installed");
      try {
        await kms.send(probe(probeKeyId, probeAlias), name, { ...host, retry: { ...host.retry, maxAttempts: 1 } });
        return permissionCheck(name, "passed", "Allowed");
      } catch (error) {
        if (!(error instanceof ConnectorError)) throw error;
        if (error.code === "NOT_FOUND") {
          // AWS names the missing key by its ARN, which carries the account.
          account ??= accountOf(error.message);
          return permissionCheck(name, "passed", "Allowed: AWS looked for a probe key that does not exist");
        }
        if (error.code === "PERMISSION_DENIED") {
          account ??= accountOf(error.message);
          return permissionCheck(name, "failed", error.message);
        }
        if (error.code === "UNREACHABLE" || error.code === "AUTHENTICATION_FAILED") throw error;
        return permissionCheck(name, "not_verifiable", `AWS's answer did not tell: ${error.message}`);
      }
    }),
  );
  checks.push(...results);
  return account ? { checks, account } : { checks };
}

function permissionCheck(permission: string, outcome: ConnectionCheck["outcome"], message: string): ConnectionCheck {
  return { name: `permission:${permission}`, kind: "permission", permission, outcome, message };
}

/** The 12-digit account in a key ARN, or in the principal ARN that AccessDeniedException names. */
function accountOf(text: string | undefined): string | undefined {
  return text?.match(/arn:aws[a-z-]*:(?:kms:[a-z0-9-]+|iam:|sts:):(\d{12}):/)?.[1];
}
