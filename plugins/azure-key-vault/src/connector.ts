import { defineConnector, property, type ConnectorHost, type PropertyValues, type TestContext } from "@uko/connector-sdk";
import { testConnection } from "./connection-test.js";
import { ensureKek, KEK_NAME, KEK_REPAIR } from "./kek.js";
import { AzureKeyOperations, DELETION_WINDOW_DAYS } from "./key-operations.js";
import { SUPPORTED_ALGORITHMS } from "./key-specs.js";
import { AZURE_PERMISSIONS } from "./permissions.js";
import { AZURE_KEY_VAULT_PRICES } from "./prices.js";
import { azureProperties } from "./properties.js";
import { azureConnection, Vault } from "./vault-client.js";

/**
 * Azure Key Vault (Premium), through `@azure/keyvault-keys` and `@azure/identity`'s
 * ClientSecretCredential. Keys are imported as HSM-protected keys with Azure's BYOK: each key's
 * material is wrapped for the vault's key exchange key, which the gateway creates on connect.
 */
export default defineConnector({
  type: "azure_key_vault",
  displayName: "Azure Key Vault (Premium)",
  description:
    `An Azure Key Vault of the Premium tier, reached as a service principal. The gateway imports its own RSA and EC key material as HSM-protected keys (BYOK); AES keys cannot be imported into a key vault (only into a Managed HSM), so templates with AES keys cannot target it. On connect the gateway creates the key ${KEK_NAME} in the vault: it wraps every import and must not be deleted.`,
  properties: azureProperties,
  // A vault's name is unique in its cloud; the tenant, subscription and resource group are locked with it.
  identifyingProperties: ["azure_service_name"],
  requiredPermissions: AZURE_PERMISSIONS,
  capabilities: {
    algorithms: SUPPORTED_ALGORITHMS.map((a) => ({ algorithm: a.algorithm, sizes: [...a.sizes] })),
    operations: ["rotate", "cancel_deletion", "verify_material"],
    repair: KEK_REPAIR,
  },
  rotation: "new_version",
  priceModel: AZURE_KEY_VAULT_PRICES,
  keyNaming: {
    minLength: 1,
    maxLength: 127,
    pattern: "[A-Za-z0-9-]+",
    patternMessage: "Azure key names are letters, digits and hyphens",
  },
  deletionWindowOption: "azure_deletion_window_days",
  templateOptions: [
    property.integer("azure_deletion_window_days", {
      label: "Purge after (days)",
      description:
        "How long a destroyed key stays recoverable (soft-deleted) before it is purged, 7 to 90 days. It must not exceed the vault's soft-delete retention, which is set when the vault is created.",
      minimum: DELETION_WINDOW_DAYS.min,
      maximum: DELETION_WINDOW_DAYS.max,
      default: DELETION_WINDOW_DAYS.max,
    }),
  ],
  connect(properties: Readonly<PropertyValues>) {
    const vault = new Vault(azureConnection(properties));
    return {
      test: (host: ConnectorHost, context?: TestContext) => testConnection(vault, host, context),
      onConnect: async (host: ConnectorHost) => {
        await ensureKek(vault, host);
      },
      // The same step on a user's request, after the KEK disappeared in Azure (kekProblem says so).
      repairKeystore: async (host: ConnectorHost) => {
        await ensureKek(vault, host);
      },
      keys: new AzureKeyOperations(vault),
    };
  },
});
