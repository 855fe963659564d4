import { camelCase } from "./properties.js";

/**
 * The names a connector takes in the gateway's GraphQL schema. The gateway builds its schema with
 * these and the SDK's definition check refuses a connector whose names would collide, so an author
 * learns about a clash from `validateConnectorDefinition` (or the testkit), not from a gateway that
 * will not start.
 */
export interface ConnectorGraphqlNames {
  /** The member of the `@oneOf` `KeystorePropertiesInput`, e.g. `awsKms`. */
  readonly inputField: string;
  /** The prefix of the per-type GraphQL types, e.g. `AwsKms`. */
  readonly typePrefix: string;
  /** The object type of this type's keystores, e.g. `AwsKmsKeystore`. */
  readonly keystoreType: string;
  /** The input type of this type's connection properties, e.g. `AwsKmsPropertiesInput`. */
  readonly propertiesInputType: string;
}

export function connectorGraphqlNames(type: string): ConnectorGraphqlNames {
  const inputField = camelCase(type);
  const typePrefix = inputField.charAt(0).toUpperCase() + inputField.slice(1);
  return { inputField, typePrefix, keystoreType: `${typePrefix}Keystore`, propertiesInputType: `${typePrefix}PropertiesInput` };
}

/**
 * The gateway's own GraphQL types whose names a connector's could take: every per-connector type
 * name ends in `Keystore` or `PropertiesInput`, so only gateway types with those endings can clash.
 * The gateway's tests check this list against its schema.
 */
export const GATEWAY_TYPE_NAMES: readonly string[] = ["Keystore", "UnloadedKeystore", "KeyStatusInKeystore", "KeystorePropertiesInput", "AlreadyConnectedKeystore"];

/** The fields of the gateway's `Keystore` interface: a connection property cannot take one of these GraphQL names. */
export const RESERVED_PROPERTY_FIELDS: readonly string[] = [
  "id",
  "name",
  "description",
  "type",
  "groups",
  "vault",
  "status",
  "properties",
  "version",
  "createdAt",
  "updatedAt",
  "lastConnectionTest",
  "managedKeys",
  "__typename",
];

/** Problems with the GraphQL names a definition would take: clashes with the gateway's names and with each other. */
export function graphqlNameProblems(type: string, properties: readonly { readonly name: string }[]): string[] {
  const problems: string[] = [];
  const names = connectorGraphqlNames(type);
  for (const taken of [names.keystoreType, names.propertiesInputType]) {
    if (GATEWAY_TYPE_NAMES.includes(taken)) problems.push(`type "${type}" would name its GraphQL type ${taken}, which the gateway already defines; choose another type id`);
  }
  const byGraphqlName = new Map<string, string>();
  for (const p of properties) {
    if (typeof p?.name !== "string") continue;
    const field = camelCase(p.name);
    const other = byGraphqlName.get(field);
    if (other !== undefined && other !== p.name) {
      problems.push(`properties "${other}" and "${p.name}" both become the GraphQL field ${field}; rename one`);
    }
    byGraphqlName.set(field, p.name);
    if (RESERVED_PROPERTY_FIELDS.includes(field)) problems.push(`property "${p.name}" would become the GraphQL field ${field}, which every keystore already has; rename it`);
  }
  return problems;
}
