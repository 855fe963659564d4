import type { PropertyValue } from "@uko/connector-sdk";

/**
 * The endpoint forms IBM publishes, one pattern each, so that a typo is caught at the field with a
 * message that shows the right form. The region is read off the endpoint.
 */
export const KEY_PROTECT_ENDPOINT = /^https:\/\/(private\.)?([a-z]{2}-[a-z]+(?:-[0-9])?)\.kms\.cloud\.ibm\.com\/?$/;
export const HPCS_ENDPOINT = /^https:\/\/(?:api\.(private\.)?([a-z]{2}-[a-z]+(?:-[0-9])?)\.hs-crypto\.cloud\.ibm\.com:[0-9]{1,5}|[0-9a-f-]{36}\.api\.(private\.)?([a-z]{2}-[a-z]+(?:-[0-9])?)\.hs-crypto\.appdomain\.cloud(?::[0-9]{1,5})?)\/?$/;
export const IAM_ENDPOINT = /^https:\/\/(private\.)?iam\.(test\.)?cloud\.ibm\.com\/?$/;

export const KEY_PROTECT_ENDPOINT_MESSAGE = "Key Protect's API endpoint is https://<region>.kms.cloud.ibm.com (or https://private.<region>.kms.cloud.ibm.com), e.g. https://us-south.kms.cloud.ibm.com";
export const HPCS_ENDPOINT_MESSAGE =
  "The HPCS instance's key management endpoint is https://api.<region>.hs-crypto.cloud.ibm.com:<port> or https://<instance id>.api.<region>.hs-crypto.appdomain.cloud, as shown on the instance's overview page";
export const IAM_ENDPOINT_MESSAGE = "The IAM endpoint is https://iam.cloud.ibm.com, https://private.iam.cloud.ibm.com or https://iam.test.cloud.ibm.com";

export function regionOf(endpoint: string): string | undefined {
  const kp = KEY_PROTECT_ENDPOINT.exec(endpoint);
  if (kp) return kp[2];
  const hpcs = HPCS_ENDPOINT.exec(endpoint);
  return hpcs ? (hpcs[2] ?? hpcs[4]) : undefined;
}

/** An override (private endpoint, proxy, emulator) must be an https URL with no credentials, path or query. */
export function httpsUrlProblem(value: PropertyValue): string | undefined {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    return "Must be an absolute https URL such as https://10.0.0.5:8443";
  }
  if (url.protocol !== "https:") return "Must use https: key material and credentials never travel over plain http";
  if (url.username || url.password) return "Must not contain a user name or password";
  if (url.search || url.hash || (url.pathname !== "/" && url.pathname !== "")) return "Must be a scheme, host and optional port only";
  return undefined;
}

export function stripSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
