import { property, type PropertyValue } from "@uko/connector-sdk";

/**
 * The `aws_kms` connection properties, as in UKO (table 1 of the seed), plus `aws_endpoint`.
 */

/** AWS's region names: `us-east-1`, `us-gov-west-1`, `ap-southeast-5`, `eu-isoe-west-1`. A pattern, not a list, so new regions work. */
export const AWS_REGION_PATTERN = "[a-z]{2}(-[a-z]+)+-[0-9]{1,2}";

/** UKO spells regions with underscores (`us_east_1`); AWS with hyphens. Store AWS's spelling. */
export function normalizeRegion(value: PropertyValue): PropertyValue {
  return typeof value === "string" ? value.trim().toLowerCase().replace(/_/g, "-") : value;
}

/** The endpoint must be HTTPS, except on the loopback interface where emulators listen. */
export function endpointProblem(value: PropertyValue): string | undefined {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    return "Endpoint must be an absolute URL such as https://kms-fips.us-east-1.amazonaws.com";
  }
  if (url.username || url.password) return "Endpoint must not contain a user name or password";
  if (url.search || url.hash || (url.pathname !== "/" && url.pathname !== "")) return "Endpoint must be a scheme, host and optional port only";
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (url.protocol === "https:" || (url.protocol === "http:" && loopback)) return undefined;
  return "Endpoint must use https (plain http is accepted only on the loopback interface, for emulators)";
}

export const awsProperties = [
  property.string("aws_region", {
    label: "Region",
    description: "The AWS region of the key management service, e.g. us-east-1 (UKO's us_east_1 is accepted too).",
    required: true,
    immutable: true,
    minLength: 9,
    maxLength: 32,
    pattern: AWS_REGION_PATTERN,
    patternMessage: "Region must be an AWS region name such as us-east-1 or eu-central-1",
    normalize: normalizeRegion,
  }),
  property.string("aws_access_key_id", {
    label: "Access key ID",
    description: "The access key ID of the IAM user or role the gateway acts as.",
    required: true,
    minLength: 1,
    maxLength: 512,
    pattern: "[A-Za-z0-9_-]+",
    patternMessage: "Access key ID may contain only letters, digits, '-' and '_'",
  }),
  property.string("aws_secret_access_key", {
    label: "Secret access key",
    description: "The secret that goes with the access key ID. Write-only: it is sealed at rest and never shown again.",
    required: true,
    secret: true,
    minLength: 1,
    maxLength: 512,
    // UKO's published pattern omits '+' and '=', which real AWS secrets contain.
    pattern: "[A-Za-z0-9/+=_-]+",
    patternMessage: "Secret access key may contain only letters, digits and the characters / + = - _",
  }),
  property.string("aws_endpoint", {
    label: "Endpoint",
    description:
      "Optional. A private (VPC) or FIPS endpoint of AWS KMS, such as https://kms-fips.us-east-1.amazonaws.com. Leave empty to use the region's public endpoint.",
    maxLength: 2048,
    validate: endpointProblem,
  }),
];
