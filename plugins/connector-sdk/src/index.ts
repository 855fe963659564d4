export { CONTRACT_VERSION, defineConnector, REPAIR_MUTATION, repairHint } from "./definition.js";
export type {
  CheckKind,
  CheckOutcome,
  ConnectionCheck,
  ConnectionTestReport,
  ConnectorCapabilities,
  ConnectorDefinition,
  ConnectorSession,
  ConnectorSpec,
  KeyAlgorithm,
  KeyNamingRules,
  RepairCapability,
  RequiredPermission,
  RotationModel,
  TestContext,
} from "./definition.js";
export { CONNECTOR_ERROR_CODES, ConnectorError, isConnectorError } from "./errors.js";
export type { ConnectorErrorCode, ConnectorErrorOptions } from "./errors.js";
export { abortableSleep, backoffDelayMs, callSignal, createRedactingLogger, redactString, withRetries } from "./host.js";
export type { ConnectorHost, ConnectorLogger, RetryOptions, RetryPolicy } from "./host.js";
export { camelCase, property } from "./properties.js";
export type { PropertyDefinition, PropertyValue, PropertyValues, PropertyValueType } from "./properties.js";
export { connectorGraphqlNames, GATEWAY_TYPE_NAMES, graphqlNameProblems, RESERVED_PROPERTY_FIELDS } from "./graphql-names.js";
export type { ConnectorGraphqlNames } from "./graphql-names.js";
export { validateConnectorDefinition } from "./validate-definition.js";
export { priceModelProblems } from "./price-model.js";
export type { KeyVersionPrice, NotPerKeyPrice, OperationPrice, PerKeyVersionPrices, PriceModel } from "./price-model.js";
export { validateProperties } from "./validate-properties.js";
export type { PropertyIssue, PropertyValidation } from "./validate-properties.js";
export type {
  InstallKeyRequest,
  KeyMaterial,
  KeyOperations,
  KeySpec,
  ManagedCopyRef,
  OptionalKeyOperation,
  Page,
  PageRequest,
  RemoteKey,
  RemoteKeyState,
} from "./key-operations.js";
export { OPTIONAL_KEY_OPERATIONS, OPTIONAL_OPERATION_METHODS } from "./key-operations.js";
export { aesKeyUnwrapPad, aesKeyWrapPad, loadWrappingKey, rsaAesKeyUnwrap, rsaAesKeyWrap, rsaOaepWrap } from "./key-wrap.js";
export type { OaepHash } from "./key-wrap.js";
export { abandonedCopyTag, findManagedCopyByListing, isAdoptableCopy, isManagedCopy, managedCopyTags, MAX_COPY_SEARCH_PAGES } from "./managed-copies.js";
export { mapConcurrently } from "./concurrency.js";
