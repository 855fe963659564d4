import { defineConnector, property, type ConnectorHost, type PropertyValues } from "@uko/connector-sdk";
import { testConnection } from "./connection-test.js";
import { ImportJobs } from "./import-jobs.js";
import { DESTROY_SCHEDULED_DAYS, GoogleKeyOperations } from "./key-operations.js";
import { supportedAlgorithms } from "./key-specs.js";
import { Kms } from "./kms-client.js";
import { GOOGLE_PERMISSIONS } from "./permissions.js";
import { GOOGLE_KMS_PRICES } from "./prices.js";
import { deriveGoogleProperties, googleConnection, googleProperties, requireSameProject } from "./properties.js";

/**
 * Google Cloud KMS, through `@google-cloud/kms` over gRPC with TLS. One key ring of one project
 * and location is one keystore; the gateway's keys are imported (BYOK) through an import job
 * the session keeps and reuses. Google cannot delete key rings or crypto keys: disconnecting
 * leaves them, and destroying a key destroys its versions' material after the key's
 * destroy-scheduled duration while its name stays taken.
 */
export default defineConnector({
  type: "google_kms",
  displayName: "Google Cloud KMS keystore",
  description:
    "A key ring of Google Cloud KMS in one project and location. The gateway creates import-only crypto keys there and imports its own key material (BYOK) through an import job. Google never deletes key rings or crypto keys: destroying a key destroys its key material after a waiting period, and its name stays in the key ring.",
  properties: googleProperties,
  identifyingProperties: ["google_project_id", "google_location", "google_key_ring"],
  requiredPermissions: GOOGLE_PERMISSIONS,
  capabilities: {
    algorithms: supportedAlgorithms(),
    operations: ["rotate", "reimport", "cancel_deletion", "verify_material"],
  },
  rotation: "new_version",
  priceModel: GOOGLE_KMS_PRICES,
  // Cloud KMS crypto key ids.
  keyNaming: {
    minLength: 1,
    maxLength: 63,
    pattern: "[a-zA-Z0-9_-]+",
    patternMessage: "Cloud KMS key names are 1 to 63 letters, digits, '_' and '-'",
  },
  deletionWindowOption: "google_destroy_scheduled_days",
  templateOptions: [
    property.integer("google_destroy_scheduled_days", {
      label: "Destroy-scheduled duration (days)",
      description:
        "How long Cloud KMS keeps a destroyed key's versions restorable before it destroys their material for good (1 to 120 days). Set on each key when it is created; Google does not let it change later, and never deletes the key itself.",
      minimum: DESTROY_SCHEDULED_DAYS.min,
      maximum: DESTROY_SCHEDULED_DAYS.max,
      default: DESTROY_SCHEDULED_DAYS.default,
    }),
    property.enumeration("google_protection_level", {
      label: "Protection level",
      description: "Where Cloud KMS keeps the key: HSM (Cloud HSM, FIPS 140-2 level 3) or SOFTWARE.",
      enumValues: ["HSM", "SOFTWARE"],
      default: "HSM",
    }),
    property.enumeration("google_asymmetric_usage", {
      label: "RSA key usage",
      description: "What RSA keys are for in Cloud KMS, which fixes one purpose per key: sign (PKCS#1 v1.5, SHA-256) or decrypt (OAEP, SHA-256). EC keys always sign.",
      enumValues: ["sign", "decrypt"],
      default: "sign",
    }),
  ],
  derive: deriveGoogleProperties,
  connect(properties: Readonly<PropertyValues>) {
    const connection = googleConnection(properties);
    const kms = new Kms(connection);
    return {
      test: (host: ConnectorHost) => testConnection(kms, connection, host),
      // A replaced key file must be of the same project: the keystore's keys are there.
      onPropertiesChanged: async (previous: Readonly<PropertyValues>) => requireSameProject(previous, properties),
      keys: new GoogleKeyOperations(kms, connection.keyRingName, new ImportJobs(kms, connection.keyRingName)),
      close: () => kms.close(),
    };
  },
});
