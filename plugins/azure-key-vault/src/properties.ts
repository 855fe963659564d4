import { X509Certificate } from "node:crypto";
import { property, type PropertyValue } from "@uko/connector-sdk";
import { AZURE_ENVIRONMENT_NAMES, normalizeLocation } from "./environments.js";

/**
 * The `azure_key_vault` connection properties, as in UKO (uko-api.md §3), plus three advanced
 * ones for private endpoints and emulators: a vault URL, an authority host and a trusted CA.
 */

/** Key Vault names: 3-24 letters, digits and hyphens, starting with a letter, ending with a letter or digit, no "--". */
export const VAULT_NAME_PATTERN = "[A-Za-z](?:[A-Za-z0-9]|-(?=[A-Za-z0-9]))*";
const GUID_LIKE = "[-0-9a-zA-Z]+";

/** An `https` URL with a host and nothing else: plain http never, not even on loopback (the identity library refuses it). */
export function httpsOriginProblem(value: PropertyValue): string | undefined {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    return "must be an absolute https URL such as https://myvault.privatelink.vaultcore.azure.net";
  }
  if (url.protocol !== "https:") return "must use https (plain http is never accepted)";
  if (url.username || url.password) return "must not contain a user name or password";
  if (url.search || url.hash || (url.pathname !== "/" && url.pathname !== "")) return "must be a scheme, host and optional port only";
  return undefined;
}

export function caProblem(value: PropertyValue): string | undefined {
  const pem = String(value);
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!blocks) return "Trusted CA must be one or more PEM certificates (-----BEGIN CERTIFICATE-----)";
  try {
    for (const block of blocks) if (!new X509Certificate(block).ca) return "Trusted CA must contain CA certificates only";
  } catch {
    return "Trusted CA contains a certificate that cannot be read";
  }
  return undefined;
}

const prefixed = (label: string, check: (v: PropertyValue) => string | undefined) => (v: PropertyValue) => {
  const problem = check(v);
  return problem ? `${label} ${problem}` : undefined;
};

export const azureProperties = [
  property.string("azure_service_name", {
    label: "Key Vault name",
    description: "The name of the Azure Key Vault (Premium), as in https://<name>.vault.azure.net.",
    required: true,
    immutable: true,
    minLength: 3,
    maxLength: 24,
    pattern: VAULT_NAME_PATTERN,
    patternMessage: "Key Vault names are letters, digits and single hyphens, start with a letter and end with a letter or digit",
  }),
  property.string("azure_resource_group", {
    label: "Resource group",
    description: "The resource group that holds the key vault.",
    required: true,
    immutable: true,
    minLength: 1,
    maxLength: 90,
    pattern: "[-\\w.()]*[-\\w()]",
    patternMessage: "Resource group names are letters, digits, '-', '_', '.', '(' and ')', and do not end with '.'",
  }),
  property.string("azure_location", {
    label: "Location",
    description: "The Azure region of the key vault, e.g. westeurope (UKO's europe_west is accepted too).",
    required: true,
    minLength: 2,
    maxLength: 64,
    pattern: "[a-z0-9]+",
    patternMessage: "Location must be an Azure region name such as westeurope or eastus2",
    normalize: (v) => (typeof v === "string" ? normalizeLocation(v) : v),
  }),
  property.enumeration("azure_environment", {
    label: "Environment",
    description: "The Azure cloud: it decides the Entra ID authority host and the vault's DNS suffix. Default: the public cloud.",
    enumValues: AZURE_ENVIRONMENT_NAMES,
    default: "azure",
  }),
  property.string("azure_service_principal_client_id", {
    label: "Service principal client ID",
    description: "The application (client) ID of the service principal the gateway signs in as.",
    required: true,
    minLength: 1,
    maxLength: 36,
    pattern: GUID_LIKE,
    patternMessage: "Client ID may contain only letters, digits and '-'",
  }),
  property.string("azure_service_principal_password", {
    label: "Service principal client secret",
    description: "The client secret's value (not its ID). Write-only: it is sealed at rest and never shown again.",
    required: true,
    secret: true,
    minLength: 1,
    maxLength: 256,
    // UKO's published pattern omits '~', which Entra's generated secrets contain.
    pattern: "[-0-9A-Za-z_.~]+",
    patternMessage: "Client secret may contain only letters, digits and the characters - _ . ~",
  }),
  property.string("azure_tenant", {
    label: "Tenant ID",
    description: "The directory (tenant) ID of the Entra ID tenant the vault and the service principal belong to.",
    required: true,
    immutable: true,
    minLength: 1,
    maxLength: 36,
    pattern: GUID_LIKE,
    patternMessage: "Tenant ID may contain only letters, digits and '-'",
  }),
  property.string("azure_subscription_id", {
    label: "Subscription ID",
    description: "The Azure subscription that holds the key vault.",
    required: true,
    immutable: true,
    minLength: 1,
    maxLength: 36,
    pattern: GUID_LIKE,
    patternMessage: "Subscription ID may contain only letters, digits and '-'",
  }),
  property.string("azure_vault_url", {
    label: "Vault URL (advanced)",
    description:
      "Optional. The vault's URL when it is reached through a private endpoint, e.g. https://myvault.privatelink.vaultcore.azure.net. Leave empty to use https://<name>.<environment's vault suffix>.",
    maxLength: 2048,
    validate: prefixed("Vault URL", httpsOriginProblem),
  }),
  property.string("azure_authority_host", {
    label: "Authority host (advanced)",
    description: "Optional. The Entra ID authority host when it is reached through a private endpoint. Leave empty to use the environment's.",
    maxLength: 2048,
    validate: prefixed("Authority host", httpsOriginProblem),
  }),
  property.string("azure_trusted_ca", {
    label: "Trusted CA certificate (advanced)",
    description:
      "Optional. PEM of the CA that signed the certificates of the vault URL and authority host above (a private endpoint's TLS proxy). When set, it replaces the public roots for this keystore.",
    maxLength: 65_536,
    validate: caProblem,
  }),
];
