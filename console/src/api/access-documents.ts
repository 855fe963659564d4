/**
 * GraphQL documents for access tokens, vault roles, the audit log and the start page (kept apart
 * from documents.ts, which holds the keystore, key and template flows).
 */
const ERROR_FIELDS = `__typename ... on Error { message code }`;

const TOKEN_FIELDS = "id name administrator expiresAt revokedAt lastUsedAt createdAt roles { role vault { id name } }";

export const ACCESS_TOKENS = `query { accessTokens { ${TOKEN_FIELDS} } vaults(first: 100) { nodes { id name } } }`;

export const CREATE_ACCESS_TOKEN = `mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) {
  ${ERROR_FIELDS} ... on ValidationError { issues { path message code } }
  ... on CreateAccessTokenSuccess { created { token accessToken { ${TOKEN_FIELDS} } } } } }`;

export const REVOKE_ACCESS_TOKEN = `mutation($input: RevokeAccessTokenInput!) { revokeAccessToken(input: $input) {
  ${ERROR_FIELDS} ... on RevokeAccessTokenSuccess { accessToken { ${TOKEN_FIELDS} } } } }`;

export const GRANT_VAULT_ROLE = `mutation($input: GrantVaultRoleInput!) { grantVaultRole(input: $input) {
  ${ERROR_FIELDS} ... on GrantVaultRoleSuccess { accessToken { ${TOKEN_FIELDS} } } } }`;

export const REVOKE_VAULT_ROLE = `mutation($input: RevokeVaultRoleInput!) { revokeVaultRole(input: $input) {
  ${ERROR_FIELDS} ... on RevokeVaultRoleSuccess { accessToken { ${TOKEN_FIELDS} } } } }`;

const AUDIT_FIELDS = "seq id at actorId actorName action targetType targetId vaultId outcome reason requestId sourceAddress";

export const AUDIT_EVENTS = `query($filter: AuditEventFilter, $first: Int, $before: Int) {
  auditEvents(filter: $filter, first: $first, before: $before) { ${AUDIT_FIELDS} } }`;

export const AUDIT_CHAIN = `query { auditChain { ok events checkpoints firstBadSeq firstBadId problem } }`;

const COUNT = (state: string) => `${state.toLowerCase()}: managedKeys(first: 1, filter: { state: ${state} }) { totalCount }`;
const COPIES = "statusInKeystores { keystoreName status syncFlag error deletionDate }";

/** The start page in one request: keystore health, keys by state, keys needing attention, dates ahead. */
export const OVERVIEW = `query {
  keystores(first: 100) { totalCount nodes { id name type vault { id name } status { health message checkedAt } } }
  ${["PRE_ACTIVATION", "ACTIVE", "DEACTIVATED", "DESTROYED"].map(COUNT).join("\n  ")}
  outOfSync: managedKeys(first: 100, filter: { syncFlag: OUT_OF_SYNC }) { totalCount nodes { id label state vault { id name } ${COPIES} } }
  failing: managedKeys(first: 100, filter: { syncFlag: ERROR }) { totalCount nodes { id label state vault { id name } ${COPIES} } }
  activeKeys: managedKeys(first: 100, filter: { state: ACTIVE }) { nodes { id label state vault { id name } ${COPIES} } }
  waiting: managedKeys(first: 100, filter: { state: DEACTIVATED }) { nodes { id label state destroyableAt vault { id name } } }
  destroyedKeys: managedKeys(first: 100, filter: { state: DESTROYED }) { nodes { id label state vault { id name } ${COPIES} } }
}`;
