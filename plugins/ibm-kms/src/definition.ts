import { defineConnector, type ConnectorDefinition, type PropertyValues } from "@uko/connector-sdk";
import { testConnection } from "./connection-test.js";
import { regionOf } from "./endpoints.js";
import { IbmKeyOperations } from "./key-operations.js";
import { ibmConnection, KeyProtectClient } from "./kms-client.js";
import { IBM_PERMISSIONS } from "./permissions.js";
import { IBM_PRICES } from "./prices.js";
import { ibmProperties, type IbmVariant } from "./properties.js";

const TEXT: Record<IbmVariant, { type: string; displayName: string; description: string }> = {
  key_protect: {
    type: "ibm_key_protect",
    displayName: "IBM Key Protect",
    description:
      "A key ring in an IBM Key Protect instance. The gateway imports its own AES root keys there under import tokens (the material never travels in clear). Key Protect cannot import RSA, EC or HMAC keys.",
  },
  hpcs: {
    type: "ibm_hpcs",
    displayName: "KMS keystore in another instance (HPCS)",
    description:
      "A key ring in another IBM Hyper Protect Crypto Services instance, through its key management API. IBM stopped selling HPCS in March 2026 and supports existing instances until 28 March 2027: use this keystore to reach keys still there and move them out. AES root keys only.",
  },
};

/** Key Protect and HPCS share the v2 API: one definition each, built here, differing in endpoints and the nonce cipher. */
export function ibmConnector(variant: IbmVariant): ConnectorDefinition {
  const text = TEXT[variant];
  return defineConnector({
    ...text,
    properties: ibmProperties(variant),
    identifyingProperties: ["ibm_api_endpoint", "ibm_instance_id", "ibm_key_ring"],
    requiredPermissions: IBM_PERMISSIONS,
    capabilities: {
      algorithms: [{ algorithm: "aes", sizes: ["128", "192", "256"] }],
      operations: ["rotate", "cancel_deletion"],
    },
    rotation: "new_version",
    priceModel: IBM_PRICES[variant],
    keyNaming: {
      minLength: 2,
      maxLength: 90,
      pattern: "[A-Za-z0-9][A-Za-z0-9 _.-]*",
      patternMessage: "IBM key names are 2 to 90 letters, digits, spaces and . _ - (starting with a letter or digit)",
    },
    derive(properties: Readonly<PropertyValues>): PropertyValues {
      const region = regionOf(String(properties.ibm_api_endpoint ?? ""));
      return region ? { ibm_region: region } : {};
    },
    connect(properties: Readonly<PropertyValues>) {
      const connection = ibmConnection(properties);
      const kms = new KeyProtectClient(connection);
      return {
        test: (host) => testConnection(kms, connection, host),
        keys: new IbmKeyOperations(kms, variant === "key_protect" ? "gcm" : "cbc"),
      };
    },
  });
}
