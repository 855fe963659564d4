import { property, type PropertyDefinition } from "@uko/connector-sdk";
import { HPCS_ENDPOINT, HPCS_ENDPOINT_MESSAGE, httpsUrlProblem, IAM_ENDPOINT, IAM_ENDPOINT_MESSAGE, KEY_PROTECT_ENDPOINT, KEY_PROTECT_ENDPOINT_MESSAGE } from "./endpoints.js";

export type IbmVariant = "key_protect" | "hpcs";

const GUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

/**
 * UKO's `ibm_cloud_kms` properties (uko-api.md §3), the same for Key Protect and HPCS but for the
 * API endpoint's form. The key ring is locked after connect, like the instance: every managed copy
 * lives in that ring, so moving the keystore to another ring would orphan them (UKO's docs leave
 * its editability open; this is the safe reading). The region is read off the endpoint.
 */
export function ibmProperties(variant: IbmVariant): PropertyDefinition[] {
  const endpoint = variant === "key_protect" ? KEY_PROTECT_ENDPOINT : HPCS_ENDPOINT;
  return [
    property.string("ibm_api_endpoint", {
      label: "API endpoint",
      description:
        variant === "key_protect"
          ? "Key Protect's endpoint for the instance's region, e.g. https://us-south.kms.cloud.ibm.com (or the private form https://private.us-south.kms.cloud.ibm.com)."
          : "The HPCS instance's key management endpoint, e.g. https://api.us-south.hs-crypto.cloud.ibm.com:9730 (shown on the instance's overview page).",
      required: true,
      immutable: true,
      maxLength: 200,
      validate: (value) => (endpoint.test(String(value)) ? undefined : variant === "key_protect" ? KEY_PROTECT_ENDPOINT_MESSAGE : HPCS_ENDPOINT_MESSAGE),
    }),
    property.string("ibm_iam_endpoint", {
      label: "IAM endpoint",
      description: "The IAM token service that exchanges the API key for a bearer token: https://iam.cloud.ibm.com unless you use a private or test endpoint.",
      immutable: true,
      default: "https://iam.cloud.ibm.com",
      maxLength: 200,
      validate: (value) => (IAM_ENDPOINT.test(String(value)) ? undefined : IAM_ENDPOINT_MESSAGE),
    }),
    property.string("ibm_instance_id", {
      label: "Service instance ID",
      description: `The GUID of the ${variant === "key_protect" ? "Key Protect" : "Hyper Protect Crypto Services"} instance (its resource instance id).`,
      required: true,
      immutable: true,
      pattern: GUID,
      patternMessage: "Service instance ID must be a GUID such as 5f3d9a2c-1b2e-4c3d-8e9f-0a1b2c3d4e5f",
      normalize: (value) => (typeof value === "string" ? value.trim().toLowerCase() : value),
    }),
    property.string("ibm_key_ring", {
      label: "Key ring",
      description: "The key ring in the instance that holds the managed keys. Locked after connect: moving it would orphan the keys already there.",
      immutable: true,
      default: "default",
      minLength: 2,
      maxLength: 100,
      pattern: "[a-zA-Z0-9-]+",
      patternMessage: "Key ring IDs are 2 to 100 letters, digits and hyphens",
    }),
    property.string("ibm_api_key", {
      label: "Service ID API key",
      description: "An API key of a service ID with the Manager role on the instance (or the actions listed under required permissions). Write-only: sealed at rest and never shown again.",
      required: true,
      secret: true,
      minLength: 1,
      maxLength: 256,
      pattern: "[A-Za-z0-9_-]+",
      patternMessage: "An IBM Cloud API key contains only letters, digits, '-' and '_'",
    }),
    property.string("ibm_region", {
      label: "Region",
      description: "The instance's region, read off the API endpoint.",
      derived: true,
    }),
    property.string("ibm_api_url_override", {
      label: "API URL override (advanced)",
      description: "Send API calls here instead of the API endpoint: a private endpoint reached through a proxy, or an emulator. https only.",
      immutable: true,
      maxLength: 200,
      validate: (value) => httpsUrlProblem(value),
    }),
    property.string("ibm_iam_url_override", {
      label: "IAM URL override (advanced)",
      description: "Exchange API keys here instead of the IAM endpoint (a proxy, or an emulator). https only.",
      immutable: true,
      maxLength: 200,
      validate: (value) => httpsUrlProblem(value),
    }),
    property.string("ibm_ca_certificate", {
      label: "Trusted CA certificate (advanced)",
      description: "A PEM certificate authority trusted for these endpoints in addition to the public ones, for private endpoints behind your own CA or an emulator.",
      maxLength: 16_384,
      validate: (value) => (/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/.test(String(value).trim()) ? undefined : "Must be a PEM certificate (-----BEGIN CERTIFICATE----- …)"),
    }),
  ];
}
