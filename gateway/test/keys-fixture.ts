import { errorFields, type TestGateway } from "./harness.js";

/** GraphQL documents and helpers shared by the managed-key suites. */
export const KEY_FIELDS = `id label state version keyVersion usable aligned nameInKeystores algorithm size
  verificationPattern { method value } versions { number verificationPattern { value } }
  statusInKeystores { keystoreName targeted status syncFlag detail error keyIdInKeystore keyVersion replacedKeyIds resourceName pending deletionDate keystore { id name } }`;

const KEY_STATE = " ... on KeyStateError { allowedStates state action }";
const KEY_ERRORS = errorFields("NotFoundError", "VersionConflictError") + KEY_STATE;

export const CREATE_KEY = `mutation($input: CreateManagedKeyInput!) { createManagedKey(input: $input) {
  ... on CreateManagedKeySuccess { managedKey { ${KEY_FIELDS} } } ${errorFields("NotFoundError", "ValidationError", "DuplicateNameError")} } }`;

export const lifecycle = (name: "activate" | "deactivate" | "destroy" | "delete" | "rotate") => {
  const Name = name.charAt(0).toUpperCase() + name.slice(1);
  return `mutation($input: ${Name}ManagedKeyInput!) { ${name}ManagedKey(input: $input) {
    ... on ${Name}ManagedKeySuccess { managedKey { ${KEY_FIELDS} } } ${KEY_ERRORS}${name === "rotate" ? " ... on RotationTooSoonError { nextRotationAt }" : ""} } }`;
};

export const SYNC = `mutation($input: SyncManagedKeyInput!) { syncManagedKey(input: $input) { ... on SyncManagedKeySuccess { managedKey { ${KEY_FIELDS} } } ${errorFields("NotFoundError")} } }`;
export const ALIGN = `mutation($input: AlignManagedKeyWithTemplateInput!) { alignManagedKeyWithTemplate(input: $input) {
  ... on AlignManagedKeyWithTemplateSuccess { alignment { dryRun plan { installIn deactivateIn } managedKey { ${KEY_FIELDS} } } } ${KEY_ERRORS} } }`;
export const KEY = `query($id: ID!) { managedKey(id: $id) { ${KEY_FIELDS} } }`;

type Option = { name: string; value: string };
export type TargetSpec = { type: string; group: string; options?: Option[] };

/** A template with one target (type, group, options) or several (targets), returning its id. */
export async function createTemplate(
  t: TestGateway,
  input: { vaultId: string; name: string; algorithm?: string; size?: string; initialState?: string; namingScheme?: string } & (
    | ({ targets?: undefined } & TargetSpec)
    | { targets: TargetSpec[] }
  ),
): Promise<string> {
  const targets = input.targets ?? [{ type: input.type, group: input.group, options: input.options }];
  const result = await t.gql(
    `mutation($input: CreateKeyTemplateInput!) { createKeyTemplate(input: $input) { __typename ... on CreateKeyTemplateSuccess { keyTemplate { id } } ... on Error { message } } }`,
    {
      input: {
        vaultId: input.vaultId,
        name: input.name,
        key: { algorithm: input.algorithm ?? "AES", size: input.size ?? "256", initialState: input.initialState ?? "PRE_ACTIVATION" },
        namingScheme: input.namingScheme ?? `${input.name}-<app>`,
        targets: targets.map((x) => ({ keystoreType: x.type, keystoreGroup: x.group, ...(x.options ? { options: x.options } : {}) })),
      },
    },
  );
  const r = result.data.createKeyTemplate;
  if (r.__typename !== "CreateKeyTemplateSuccess") throw new Error(`createKeyTemplate: ${r.message}`);
  return r.keyTemplate.id;
}

export type Status = { keystoreName: string; status: string; syncFlag: string; detail: string; error: string | null; keyIdInKeystore: string | null; targeted: boolean; pending: boolean };
// `any` values: tests index by name and assert the shape with toMatchObject.
export const byKeystore = (key: { statusInKeystores: Status[] }): Record<string, any> => Object.fromEntries(key.statusInKeystores.map((s) => [s.keystoreName, s]));
