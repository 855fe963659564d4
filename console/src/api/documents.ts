/**
 * Every GraphQL document the console sends, in one place, so a schema change shows up here.
 * Mutations select `__typename` and the typed errors' fields; pages turn them into field messages.
 */
const ERROR_FIELDS = `__typename ... on Error { message code }`;
/** Only for results whose union has ValidationError: GraphQL refuses a fragment on a type the union lacks. */
const WITH_ISSUES = `${ERROR_FIELDS} ... on ValidationError { issues { path message code } }`;

const DESCRIPTOR_FIELDS = `name graphqlName label description valueType required secret immutable derived identifying
  minLength maxLength pattern patternMessage enumValues default accept maxBytes minimum maximum`;

export const KEYSTORE_TYPES = `query { keystoreTypes { type displayName description propertiesInputField
  properties { ${DESCRIPTOR_FIELDS} } requiredPermissions { name description } capabilities { algorithms { algorithm sizes } } } }`;

export const ME = `query { me { tokenId name administrator roles { role vault { id name } } } }`;

export const VAULTS = `query { vaults(first: 100) { nodes { id name } totalCount } }`;

export const CREATE_VAULT = `mutation($input: CreateVaultInput!) { createVault(input: $input) {
  ${WITH_ISSUES} ... on CreateVaultSuccess { vault { id name } } } }`;

const STATUS_FIELDS = "status { health message checkedAt lastHeartbeat }";
const KEYSTORE_FIELDS = `id name type description groups version vault { id name } ${STATUS_FIELDS}
  properties { name value isSet secret immutable derived }`;

/** A row of the keystores list; the status stream sends the same fields, so a row is replaced in place. */
const KEYSTORE_ROW = `id name type groups vault { id name } ${STATUS_FIELDS}`;

export const KEYSTORES = `query($first: Int, $after: String, $filter: KeystoreFilter, $orderBy: KeystoreOrder) {
  keystores(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount pageInfo { endCursor hasNextPage } nodes { ${KEYSTORE_ROW} } } }`;

export const KEYSTORE_STATUS_CHANGED = `subscription($vaultId: ID!) { keystoreStatusChanged(vaultId: $vaultId) { ${KEYSTORE_ROW} } }`;

export const KEYSTORE = `query($id: ID!) { keystore(id: $id) { ${KEYSTORE_FIELDS}
  lastConnectionTest { name kind outcome message permission } } }`;

export const COST_ESTIMATE = `query($input: KeystoreCostEstimateInput!) { keystoreCostEstimate(input: $input) {
  ${WITH_ISSUES} ... on KeystoreCostEstimateSuccess { estimate { currency keyVersions monthlyOperations priceSource sourceUrl pricesAsOf complete explanation
    lineItems { kind description quantity unit unitPrice { amount currency } monthly { amount currency } note }
    estimatedMonthlyTotal { amount currency } } } } }`;

const TEST_FIELDS = `ok health message missingPermissions checks { name kind outcome message permission }
  account alreadyConnected { keystoreId keystoreName vaultId vaultName }`;

/** Keystores of a vault whose names begin with `namePrefix`: the console flags a taken name at its field. */
export const KEYSTORE_NAMES = `query($vaultId: ID!, $namePrefix: String!) {
  keystores(first: 100, filter: { vaultId: $vaultId, namePrefix: $namePrefix }) { nodes { id name } } }`;

export const TEST_CONNECTION = `mutation($input: TestKeystoreConnectionInput!) { testKeystoreConnection(input: $input) {
  ${WITH_ISSUES} ... on TestKeystoreConnectionSuccess { test { ${TEST_FIELDS} } } } }`;

export const CONNECT_KEYSTORE = `mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) {
  ${WITH_ISSUES} ... on ConnectKeystoreSuccess { keystore { id } }
  ... on KeystoreAlreadyConnectedError { keystoreName vaultName } ... on NotFoundError { path } } }`;

export const UPDATE_KEYSTORE = `mutation($input: UpdateKeystoreInput!) { updateKeystore(input: $input) {
  ${WITH_ISSUES} ... on UpdateKeystoreSuccess { keystore { ${KEYSTORE_FIELDS} } }
  ... on ImmutablePropertiesError { properties } ... on KeystoreAlreadyConnectedError { keystoreName vaultName }
  ... on DuplicateNameError { name } ... on VersionConflictError { currentVersion } } }`;

export const REFRESH_STATUS = `mutation($input: RefreshKeystoreStatusInput!) { refreshKeystoreStatus(input: $input) {
  ${ERROR_FIELDS} ... on RefreshKeystoreStatusSuccess { refresh { keystore { ${KEYSTORE_FIELDS} } test { ${TEST_FIELDS} } } } } }`;

/** Each type's repair action (null: none), for the keystore page's repair button. */
export const KEYSTORE_REPAIR_ACTIONS = `query { keystoreTypes { type capabilities { repair { label description } } } }`;

export const REPAIR_KEYSTORE = `mutation($input: RepairKeystoreInput!) { repairKeystore(input: $input) {
  ${ERROR_FIELDS} ... on RepairKeystoreSuccess { keystore { ${KEYSTORE_FIELDS} } } ... on KeystoreRepairError { connectorCode reason } } }`;

export const DISCONNECT_KEYSTORE = `mutation($input: DisconnectKeystoreInput!) { disconnectKeystore(input: $input) {
  ${ERROR_FIELDS} ... on DisconnectKeystoreSuccess { keystore { id } }
  ... on KeystoreHasKeysError { keyLabels } ... on KeystoreReleaseError { keyLabels } } }`;

const KEY_FIELDS = `id label description state version keyVersion usable algorithm size nameInKeystores updatedAt
  vault { id name } template { id name } verificationPattern { method value }
  versions { number createdAt verificationPattern { method value } }
  rotatableAt destroyableAt
  statusInKeystores { keystoreName keystore { id name } status syncFlag detail error keyVersion keyIdInKeystore targeted pending checkedAt }`;

export const MANAGED_KEYS = `query($first: Int, $after: String, $filter: ManagedKeyFilter, $orderBy: ManagedKeyOrder) {
  managedKeys(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount pageInfo { endCursor hasNextPage } nodes { id label state version algorithm size usable vault { id name } template { id name }
      statusInKeystores { keystoreName status syncFlag } } } }`;

export const MANAGED_KEY = `query($id: ID!) { managedKey(id: $id) { ${KEY_FIELDS} } }`;

/** Every change to a key in the vault, with the key as the key page shows it (null: one was deleted). */
export const MANAGED_KEY_CHANGED = `subscription($vaultId: ID!) { managedKeyChanged(vaultId: $vaultId) { ${KEY_FIELDS} } }`;

export const CREATE_MANAGED_KEY = `mutation($input: CreateManagedKeyInput!) { createManagedKey(input: $input) {
  ${WITH_ISSUES} ... on CreateManagedKeySuccess { managedKey { id label statusInKeystores { keystoreName status syncFlag error } } } } }`;

const KEY_ACTION_ERRORS = `... on KeyStateError { allowedStates state } ... on RotationTooSoonError { nextRotationAt }`;

/** activate / deactivate / rotate / destroy / delete take { id, expectedVersion }; sync takes { id }. */
export function keyAction(action: "activate" | "deactivate" | "rotate" | "destroy" | "delete" | "sync"): string {
  const Name = action.charAt(0).toUpperCase() + action.slice(1);
  const stateError = "... on KeyStateError { allowedStates state }";
  const extra = action === "rotate" ? KEY_ACTION_ERRORS : action === "sync" ? "" : action === "delete" ? `${stateError} ... on KeyStillInKeystoresError { keystoreNames }` : stateError;
  return `mutation($input: ${Name}ManagedKeyInput!) { ${action}ManagedKey(input: $input) {
    ${ERROR_FIELDS} ... on ${Name}ManagedKeySuccess { managedKey { ${KEY_FIELDS} } } ${extra} } }`;
}

const TEMPLATE_FIELDS = `id name description archived keysCount namingScheme namingSchemePlaceholders vault { id name }
  key { algorithm size initialState } targets { keystoreType keystoreGroup }`;

export const KEY_TEMPLATES = `query($filter: KeyTemplateFilter, $orderBy: KeyTemplateOrder) { keyTemplates(first: 100, filter: $filter, orderBy: $orderBy) { totalCount nodes { ${TEMPLATE_FIELDS} } } }`;

export const CREATE_KEY_TEMPLATE = `mutation($input: CreateKeyTemplateInput!) { createKeyTemplate(input: $input) {
  ${WITH_ISSUES} ... on CreateKeyTemplateSuccess { keyTemplate { id } } } }`;

/** What the create-template form offers per target: each type's algorithms and its template options. */
export const TEMPLATE_CAPABILITIES = `query { keystoreTypes { type displayName capabilities { algorithms { algorithm sizes } }
  templateOptions { name label description valueType minimum maximum enumValues default } } }`;

const VAULT_FIELDS = "id name description version createdAt updatedAt";

/** The vaults list: one query; counts are only on a vault's page (no query per row). */
export const VAULT_LIST = `query($orderBy: VaultOrder) { vaults(first: 100, orderBy: $orderBy) { totalCount nodes { ${VAULT_FIELDS} } } }`;

/** A vault with what it holds; each list's totalCount is its count. */
export const VAULT = `query($id: ID!) { vault(id: $id) { ${VAULT_FIELDS} }
  keystores(first: 100, filter: { vaultId: $id }) { totalCount nodes { id name type groups ${STATUS_FIELDS} } }
  keyTemplates(first: 100, filter: { vaultId: $id }) { totalCount nodes { id name archived keysCount targets { keystoreType keystoreGroup } } }
  managedKeys(first: 100, filter: { vaultId: $id }) { totalCount nodes { id label state template { id name } statusInKeystores { keystoreName status syncFlag } } } }`;

export const CREATE_VAULT_FULL = `mutation($input: CreateVaultInput!) { createVault(input: $input) {
  ${WITH_ISSUES} ... on CreateVaultSuccess { vault { ${VAULT_FIELDS} } } } }`;

export const UPDATE_VAULT = `mutation($input: UpdateVaultInput!) { updateVault(input: $input) {
  ${WITH_ISSUES} ... on UpdateVaultSuccess { vault { ${VAULT_FIELDS} } } ... on VersionConflictError { currentVersion } } }`;

export const DELETE_VAULT = `mutation($input: DeleteVaultInput!) { deleteVault(input: $input) {
  ${ERROR_FIELDS} ... on DeleteVaultSuccess { vault { id } }
  ... on VaultNotEmptyError { keystoreCount keystoreNames templateCount templateNames } } }`;

const TEMPLATE_PAGE_FIELDS = `${TEMPLATE_FIELDS} version targetRevision createdAt updatedAt
  key { algorithm size initialState activationPeriod expirationPeriod } targets { keystoreType keystoreGroup options { name value } }`;

export const KEY_TEMPLATE = `query($id: ID!) { keyTemplate(id: $id) { ${TEMPLATE_PAGE_FIELDS} } }`;

/** archive / unarchive / delete take { id, expectedVersion } and answer the template. */
export function templateAction(action: "archive" | "unarchive" | "delete"): string {
  const Name = action.charAt(0).toUpperCase() + action.slice(1);
  const extra = action === "delete" ? "... on TemplateInUseError { keyCount templateName }" : "";
  return `mutation($input: ${Name}KeyTemplateInput!) { ${action}KeyTemplate(input: $input) {
    ${ERROR_FIELDS} ... on ${Name}KeyTemplateSuccess { keyTemplate { ${TEMPLATE_PAGE_FIELDS} } } ${extra} } }`;
}

export const UPDATE_KEY_TEMPLATE = `mutation($input: UpdateKeyTemplateInput!) { updateKeyTemplate(input: $input) {
  ${WITH_ISSUES} ... on UpdateKeyTemplateSuccess { keyTemplate { ${TEMPLATE_PAGE_FIELDS} } } } }`;
