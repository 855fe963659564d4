import { createHash } from "node:crypto";
import { camelCase, type PropertyValues } from "@uko/connector-sdk";
import type { LoadedConnector } from "../connectors/registry.js";
import type { RootKey } from "../crypto/seal.js";

/** Splits validated values into what is stored in clear and what is sealed. */
export function splitSecrets(connector: LoadedConnector, values: PropertyValues): { clear: PropertyValues; secrets: PropertyValues } {
  const clear: PropertyValues = {};
  const secrets: PropertyValues = {};
  for (const def of connector.definition.properties) {
    const value = values[def.name];
    if (value === undefined) continue;
    (def.secret ? secrets : clear)[def.name] = value;
  }
  return { clear, secrets };
}

/** Associated data for a keystore's sealed secrets: the blob opens only for this row. */
export function secretsAad(keystoreId: string): string {
  return `keystore:${keystoreId}:secrets`;
}

export function sealSecrets(rootKey: RootKey, keystoreId: string, secrets: PropertyValues): Uint8Array<ArrayBuffer> | null {
  if (Object.keys(secrets).length === 0) return null;
  return new Uint8Array(rootKey.sealJson(secrets, secretsAad(keystoreId)));
}

export function openSecrets(rootKey: RootKey, keystoreId: string, sealed: Uint8Array | null): PropertyValues {
  return sealed ? rootKey.openJson<PropertyValues>(Buffer.from(sealed), secretsAad(keystoreId)) : {};
}

/**
 * A stable digest that names the remote keystore: the connector type, its identifying property
 * values, and the account behind the credentials when a connection test learned it (else the
 * connector's stand-in properties for it). Two rows with the same digest are the same remote
 * keystore. A digest, so the column reveals no property value.
 */
export function remoteIdentity(connector: LoadedConnector, values: PropertyValues, account?: string): string {
  const { identifyingProperties, identityFallbackProperties = [] } = connector.definition;
  const parts: unknown[] = identifyingProperties.map((name) => [name, values[name] ?? null]);
  if (account !== undefined) parts.push(["account", account]);
  else parts.push(...identityFallbackProperties.map((name) => [name, values[name] ?? null]));
  return createHash("sha256")
    .update(JSON.stringify([connector.definition.type, parts]))
    .digest("hex");
}

/** The path of a property inside a mutation input, in GraphQL's spelling. */
export function propertyPath(connector: LoadedConnector, wireName: string): string[] {
  return ["input", "properties", connector.inputName, camelCase(wireName)];
}

/** Every secret value as text, for redaction. */
export function secretStrings(secrets: PropertyValues): string[] {
  return Object.values(secrets).map(String);
}
