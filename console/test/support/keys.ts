import type { Stack } from "./stack.ts";

/**
 * Key setup through the API for the browser suites: a template targeting a keystore group, and a
 * key made from it (optionally activated), so a test starts on the key's page.
 */
export async function createTemplateViaApi(
  stack: Stack,
  input: {
    vaultId: string;
    name: string;
    group: string;
    initialState?: "ACTIVE" | "PRE_ACTIVATION";
    /** Defaults: an AES-256 key in aws_kms, named `uko/<name>-<app>`. */
    keystoreType?: string;
    algorithm?: string;
    size?: string;
    namingScheme?: string;
  },
): Promise<string> {
  const r = await stack.gql(
    `mutation($input: CreateKeyTemplateInput!) { createKeyTemplate(input: $input) { __typename ... on CreateKeyTemplateSuccess { keyTemplate { id } } ... on Error { message } } }`,
    {
      input: {
        vaultId: input.vaultId,
        name: input.name,
        namingScheme: input.namingScheme ?? `uko/${input.name}-<app>`,
        key: { algorithm: input.algorithm ?? "AES", size: input.size ?? "256", initialState: input.initialState ?? "ACTIVE" },
        targets: [{ keystoreType: input.keystoreType ?? "aws_kms", keystoreGroup: input.group }],
      },
    },
  );
  if (!r.createKeyTemplate.keyTemplate) throw new Error(`createKeyTemplate: ${r.createKeyTemplate.message}`);
  return r.createKeyTemplate.keyTemplate.id;
}

export interface KeyRef {
  id: string;
  version: number;
  state: string;
  statusInKeystores: { keystoreName: string; keyIdInKeystore: string | null; syncFlag: string }[];
}
const KEY_REF = "id version state statusInKeystores { keystoreName keyIdInKeystore syncFlag }";

export async function createKeyViaApi(stack: Stack, input: { vaultId: string; templateId: string; label: string }): Promise<KeyRef> {
  const r = await stack.gql(
    `mutation($input: CreateManagedKeyInput!) { createManagedKey(input: $input) { __typename ... on CreateManagedKeySuccess { managedKey { ${KEY_REF} } } ... on Error { message } } }`,
    { input: { ...input, namingValues: [{ name: "app", value: input.label.replace(/[^A-Za-z0-9]/g, "") }] } },
  );
  if (!r.createManagedKey.managedKey) throw new Error(`createManagedKey: ${r.createManagedKey.message}`);
  return r.createManagedKey.managedKey;
}

export async function getKeyViaApi(stack: Stack, id: string): Promise<KeyRef> {
  const r = await stack.gql(`query($id: ID!) { managedKey(id: $id) { ${KEY_REF} } }`, { id });
  return r.managedKey;
}
