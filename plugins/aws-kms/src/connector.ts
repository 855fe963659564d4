import { defineConnector, property, type ConnectorHost, type PropertyValues } from "@uko/connector-sdk";
import { testConnection } from "./connection-test.js";
import { AwsKeyOperations, PENDING_WINDOW_DAYS } from "./key-operations.js";
import { supportedAlgorithms } from "./key-specs.js";
import { awsConnection, Kms } from "./kms-client.js";
import { AWS_PERMISSIONS } from "./permissions.js";
import { AWS_KMS_PRICES } from "./prices.js";
import { awsProperties } from "./properties.js";

/**
 * AWS KMS, through `@aws-sdk/client-kms`. The pattern for the other cloud connectors: properties
 * declared once, one client per session, every call through `Kms.send` (deliberate retries under
 * the host's deadline), every failure a ConnectorError.
 */
export default defineConnector({
  type: "aws_kms",
  displayName: "AWS keystore",
  description:
    "AWS Key Management Service in one region of one account. The gateway creates keys for imported material there and imports its own key material (BYOK).",
  properties: awsProperties,
  // The region, plus the account the test learns from AWS; until it is learned, the access key id
  // stands in for the account (an access key belongs to exactly one account).
  identifyingProperties: ["aws_region"],
  identityFallbackProperties: ["aws_access_key_id"],
  requiredPermissions: AWS_PERMISSIONS,
  capabilities: {
    algorithms: supportedAlgorithms(),
    // verify_material proves HMAC, RSA and ECC keys; AES keys cannot be proven on AWS (see verify-material.ts).
    operations: ["rotate", "reimport", "cancel_deletion", "verify_material"],
  },
  // AWS rotates imported material in place only for single-Region symmetric keys: every kind
  // rotates as a new key with the alias moved to it.
  rotation: "new_key",
  priceModel: AWS_KMS_PRICES,
  // AWS alias names, without the `alias/` prefix the connector adds.
  keyNaming: {
    minLength: 1,
    maxLength: 250,
    pattern: "[A-Za-z0-9/_-]+",
    patternMessage: "AWS key names (aliases) are letters, digits, '/', '_' and '-'",
    reservedPrefixes: ["aws/"],
  },
  deletionWindowOption: "aws_pending_window_days",
  templateOptions: [
    property.integer("aws_pending_window_days", {
      label: "Deletion waiting period (days)",
      description: "How long AWS keeps a destroyed key pending deletion before it deletes it for good (AWS allows 7 to 30 days).",
      minimum: PENDING_WINDOW_DAYS.min,
      maximum: PENDING_WINDOW_DAYS.max,
      default: PENDING_WINDOW_DAYS.min,
    }),
  ],
  connect(properties: Readonly<PropertyValues>) {
    const connection = awsConnection(properties);
    const kms = new Kms(connection);
    return {
      test: (host: ConnectorHost) => testConnection(kms, connection, host),
      keys: new AwsKeyOperations(kms),
      close: async () => kms.close(),
    };
  },
});
