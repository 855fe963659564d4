/** The shapes the console reads from the API (a subset of gateway/schema.graphql). */
export type Health = "OK" | "CONFIGURATION_ERROR" | "NOT_RESPONDING" | "PENDING_CHECK";
export const HEALTHS: readonly Health[] = ["OK", "CONFIGURATION_ERROR", "NOT_RESPONDING", "PENDING_CHECK"];

export type ValueType = "STRING" | "INTEGER" | "BOOLEAN" | "ENUM" | "FILE";

export interface PropertyDescriptor {
  name: string;
  graphqlName: string;
  label: string;
  description: string;
  valueType: ValueType;
  required: boolean;
  secret: boolean;
  immutable: boolean;
  derived: boolean;
  identifying: boolean;
  minLength: number | null;
  maxLength: number | null;
  pattern: string | null;
  patternMessage: string | null;
  enumValues: string[] | null;
  default: string | null;
  accept: string[] | null;
  maxBytes: number | null;
  minimum: number | null;
  maximum: number | null;
}

export interface KeystoreType {
  type: string;
  displayName: string;
  description: string;
  propertiesInputField: string;
  properties: PropertyDescriptor[];
  requiredPermissions: { name: string; description: string }[];
  /** What it can hold; absent from types built by hand (tests). */
  capabilities?: { algorithms: { algorithm: string; sizes: string[] }[] };
}

export interface Vault {
  id: string;
  name: string;
}

export interface KeystoreStatus {
  health: Health;
  message: string;
  checkedAt: string | null;
  lastHeartbeat: string | null;
}

export interface KeystoreProperty {
  name: string;
  value: string | null;
  isSet: boolean;
  secret: boolean;
  immutable: boolean;
  derived: boolean;
}

export interface ConnectionCheck {
  name: string;
  kind: string;
  outcome: "PASSED" | "FAILED" | "NOT_VERIFIABLE" | "SKIPPED";
  message: string;
  permission: string | null;
}

export interface ConnectionTest {
  ok: boolean;
  health: Health;
  message: string;
  missingPermissions: string[];
  checks: ConnectionCheck[];
  /** The account (tenant, project) the test found behind the credentials, when it learned one. */
  account?: string | null;
  /** Set when the tested (unsaved) properties name a remote keystore that is connected already. */
  alreadyConnected?: AlreadyConnectedKeystore | null;
}

/** Where a remote keystore is connected; the names are null when that vault is not the caller's to read. */
export interface AlreadyConnectedKeystore {
  keystoreId: string | null;
  keystoreName: string | null;
  vaultId: string | null;
  vaultName: string | null;
}

export interface Keystore {
  id: string;
  name: string;
  type: string;
  description: string;
  groups: string[];
  version: number;
  vault: Vault;
  status: KeystoreStatus;
  properties: KeystoreProperty[];
  lastConnectionTest?: ConnectionCheck[];
}

export interface Money {
  amount: number;
  currency: string;
}

/** One line of keystoreCostEstimate: what the cloud (or the operator) charges a month for one thing. */
export interface CostLineItem {
  kind: "KEY_VERSIONS" | "OPERATIONS" | "NOT_PER_KEY" | "INTERNAL_CHARGE";
  description: string;
  quantity: number | null;
  unit: string | null;
  unitPrice: Money | null;
  monthly: Money | null;
  note: string | null;
}

/** keystoreCostEstimate's answer: the cloud's charges for one keystore, never the orchestrator's (it is free). */
export interface CostEstimate {
  currency: string;
  keyVersions: number;
  monthlyOperations: number;
  priceSource: "CLOUD_PUBLIC_PRICES" | "OPERATOR_PRICE_LIST" | "NONE";
  sourceUrl: string | null;
  pricesAsOf: string | null;
  lineItems: CostLineItem[];
  estimatedMonthlyTotal: Money;
  complete: boolean;
  explanation: string;
}

export interface FieldIssue {
  path: string[];
  message: string;
  code: string;
}

/** Any typed error of a mutation result; the union members add their own fields. */
/** A keystore type's repair action (KeystoreType.capabilities.repair), run with repairKeystore. */
export interface RepairAction {
  label: string;
  description: string;
}

export interface TypedError {
  __typename: string;
  message: string;
  code: string;
  issues?: FieldIssue[];
  [extra: string]: unknown;
}

export interface PageInfo {
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface Page<T> {
  nodes: T[];
  totalCount: number;
  pageInfo: PageInfo;
}

export type KeyState = "PRE_ACTIVATION" | "ACTIVE" | "DEACTIVATED" | "DESTROYED";

export interface KeyStatusInKeystore {
  keystoreName: string;
  keystore: { id: string; name: string } | null;
  status: string;
  syncFlag: "OK" | "OUT_OF_SYNC" | "ERROR";
  detail: string;
  error: string | null;
  keyVersion: number;
  keyIdInKeystore: string | null;
  targeted: boolean;
  pending: boolean;
  checkedAt: string | null;
}

export interface ManagedKey {
  id: string;
  label: string;
  description: string;
  state: KeyState;
  version: number;
  keyVersion: number;
  usable: boolean;
  algorithm: string;
  size: string;
  nameInKeystores: string;
  vault: Vault;
  template: { id: string; name: string };
  verificationPattern: { method: string; value: string } | null;
  versions: { number: number; createdAt: string; verificationPattern: { method: string; value: string } | null }[];
  statusInKeystores: KeyStatusInKeystore[];
  /** When it can be rotated again; null: never rotated. */
  rotatableAt: string | null;
  /** When a deactivated key's waiting time ends; null: no wait applies. */
  destroyableAt: string | null;
  updatedAt: string;
}

export interface KeyTemplate {
  id: string;
  name: string;
  description: string;
  archived: boolean;
  keysCount: number;
  namingScheme: string;
  namingSchemePlaceholders: string[];
  vault: Vault;
  key: { algorithm: string; size: string; initialState: string };
  /** Where its keys go: every keystore of each target's type in its group. */
  targets: { keystoreType: string; keystoreGroup: string }[];
}

/** The targets of a template in one line, e.g. "aws_kms / payments, google_kms / eu". */
export function targetsText(targets: readonly { keystoreType: string; keystoreGroup: string }[], typeName: (type: string) => string = (type) => type): string {
  return targets.map((t) => `${typeName(t.keystoreType)} / ${t.keystoreGroup}`).join(", ");
}

/** A vault as its list and page show it. */
export interface VaultDetail extends Vault {
  description: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A key template as its page shows it. */
export interface KeyTemplateDetail extends Omit<KeyTemplate, "key" | "targets"> {
  version: number;
  targetRevision: number;
  createdAt: string;
  updatedAt: string;
  key: { algorithm: string; size: string; initialState: string; activationPeriod: string | null; expirationPeriod: string | null };
  targets: { keystoreType: string; keystoreGroup: string; options: { name: string; value: string }[] }[];
}
