import { KmsError } from "./errors.js";
import type { EmulatorIdentity } from "./types.js";

/**
 * Who is calling, once SigV4 has proven it, and what IAM would let them do. Only identity-based
 * permissions are modelled (an allow-list of actions); key policies and grants are not evaluated.
 */
export interface Principal {
  accessKeyId: string;
  accountId: string;
  userArn: string;
  allowedActions: "*" | ReadonlySet<string>;
}

export function principalOf(identity: EmulatorIdentity, defaultAccountId: string): Principal {
  const accountId = identity.accountId ?? defaultAccountId;
  const allowed = identity.allowedActions ?? "*";
  return {
    accessKeyId: identity.accessKeyId,
    accountId,
    userArn: `arn:aws:iam::${accountId}:user/${identity.userName ?? "emulator-user"}`,
    allowedActions: allowed === "*" ? "*" : new Set(allowed),
  };
}

/**
 * KMS authorises a request before it looks at the key, so a denied caller learns nothing about
 * whether the key exists (the connector's permission probes rely on this). The wording is AWS's.
 */
export function authorize(principal: Principal, action: string, resource: string): void {
  if (principal.allowedActions === "*" || principal.allowedActions.has(action) || principal.allowedActions.has("kms:*")) return;
  throw new KmsError(
    "AccessDeniedException",
    `User: ${principal.userArn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
  );
}
