import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { KmsError } from "./errors.js";

/**
 * Verifies AWS Signature Version 4 on a request, as AWS's front end does for KMS (sdk-loopback
 * §2.3): the signature is recomputed from the request and the caller's secret and compared in
 * constant time. The checks run in the order that gives the most useful answer: a malformed
 * header, the credential scope (service, region, date), the access key id, the clock, and only then
 * the signature, so that a wrong region is reported as such and not as a bad signature.
 *
 * Not supported: presigned URLs (query-string auth) and session credentials (x-amz-security-token),
 * which are refused as an unrecognised client.
 */
export interface SignedRequest {
  method: string;
  /** The request target as it came on the wire: path and query, still percent-encoded. */
  url: string;
  /** Each header's values, lower-case names (Node's `headersDistinct`). */
  headers: Readonly<Record<string, readonly string[] | undefined>>;
  body: Buffer;
}

export interface VerificationContext {
  region: string;
  service: string;
  now: Date;
  secretFor(accessKeyId: string): string | undefined;
}

const ALGORITHM = "AWS4-HMAC-SHA256";
/** How far x-amz-date may be from the service's clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

interface ParsedAuthorization {
  accessKeyId: string;
  scopeDate: string;
  scopeRegion: string;
  scopeService: string;
  signedHeaders: string[];
  signature: string;
}

/** The access key id a request claims, before anything is verified (for the request log). */
export function claimedAccessKeyId(authorization: string | undefined): string | undefined {
  return authorization?.match(/Credential=([^/,\s]+)\//)?.[1];
}

/** Returns the verified access key id, or throws the KmsError AWS would answer. */
export function verifySigV4(request: SignedRequest, context: VerificationContext): string {
  const authorization = single(request.headers, "authorization");
  if (authorization === undefined) {
    if (single(request.headers, "x-amz-security-token") === undefined && !/[?&]X-Amz-Signature=/i.test(request.url)) {
      throw new KmsError("MissingAuthenticationTokenException", "Missing Authentication Token");
    }
    throw new KmsError("IncompleteSignatureException", "This emulator accepts only requests signed in the Authorization header.");
  }
  const parsed = parseAuthorization(authorization, request.headers);

  if (parsed.scopeService !== context.service) {
    throw new KmsError("InvalidSignatureException", `Credential should be scoped to correct service: '${context.service}'. `);
  }
  if (parsed.scopeRegion !== context.region) {
    throw new KmsError(
      "InvalidSignatureException",
      `Credential should be scoped to a valid region, not '${parsed.scopeRegion}'. This endpoint is in region '${context.region}'.`,
    );
  }
  const amzDate = requestDate(request.headers);
  if (amzDate.slice(0, 8) !== parsed.scopeDate) {
    throw new KmsError(
      "InvalidSignatureException",
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${parsed.scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (single(request.headers, "x-amz-security-token") !== undefined) {
    // Session credentials would need an STS emulator to issue them; none exists here.
    throw new KmsError("UnrecognizedClientException", "The security token included in the request is invalid.");
  }
  const secret = context.secretFor(parsed.accessKeyId);
  if (secret === undefined) throw new KmsError("UnrecognizedClientException", "The security token included in the request is invalid.");

  const signedAt = parseAmzDate(amzDate);
  const now = context.now;
  if (signedAt.getTime() < now.getTime() - MAX_CLOCK_SKEW_MS) {
    throw new KmsError(
      "InvalidSignatureException",
      `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(new Date(now.getTime() - MAX_CLOCK_SKEW_MS))} (${formatAmzDate(now)} - 5 min.)`,
    );
  }
  if (signedAt.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
    throw new KmsError(
      "InvalidSignatureException",
      `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(new Date(now.getTime() + MAX_CLOCK_SKEW_MS))} (${formatAmzDate(now)} + 5 min.)`,
    );
  }

  const canonicalRequest = canonicalRequestOf(request, parsed.signedHeaders);
  const scope = `${parsed.scopeDate}/${parsed.scopeRegion}/${parsed.scopeService}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  const signingKey = [parsed.scopeDate, parsed.scopeRegion, parsed.scopeService, "aws4_request"].reduce<Buffer>(
    (key, part) => hmac(key, part),
    Buffer.from(`AWS4${secret}`, "utf8"),
  );
  const expected = Buffer.from(hmac(signingKey, stringToSign).toString("hex"), "utf8");
  const provided = Buffer.from(parsed.signature, "utf8");
  // timingSafeEqual needs equal lengths; a signature of another length is wrong anyway.
  const matches = expected.length === provided.length && timingSafeEqual(expected, provided);
  if (!matches) {
    throw new KmsError(
      "InvalidSignatureException",
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. " +
        "Consult the service documentation for details.\n\n" +
        `The Canonical String for this request should have been\n'${canonicalRequest}'\n\n` +
        `The String-to-Sign should have been\n'${stringToSign}'\n`,
    );
  }
  return parsed.accessKeyId;
}

function parseAuthorization(header: string, headers: SignedRequest["headers"]): ParsedAuthorization {
  const space = header.indexOf(" ");
  const algorithm = space < 0 ? header : header.slice(0, space);
  const params = new Map<string, string>();
  for (const part of (space < 0 ? "" : header.slice(space + 1)).split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing: string[] = [];
  for (const name of ["Credential", "Signature", "SignedHeaders"]) {
    if (!params.get(name)) missing.push(`Authorization header requires '${name}' parameter.`);
  }
  if (single(headers, "x-amz-date") === undefined && single(headers, "date") === undefined) {
    missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (algorithm !== ALGORITHM) missing.unshift(`Unsupported AWS 'algorithm': '${algorithm}'.`);
  if (missing.length > 0) throw new KmsError("IncompleteSignatureException", `${missing.join(" ")} Authorization=${header}`);

  const credential = params.get("Credential")!;
  const parts = credential.split("/");
  if (parts.length !== 5) {
    throw new KmsError(
      "IncompleteSignatureException",
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  const [accessKeyId, scopeDate, scopeRegion, scopeService, terminator] = parts as [string, string, string, string, string];
  if (terminator !== "aws4_request") {
    throw new KmsError("InvalidSignatureException", `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`);
  }
  const signedHeaders = params.get("SignedHeaders")!.split(";");
  if (!signedHeaders.includes("host")) {
    throw new KmsError("IncompleteSignatureException", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  return { accessKeyId, scopeDate, scopeRegion, scopeService, signedHeaders, signature: params.get("Signature")! };
}

/** x-amz-date, or failing that the Date header, in ISO-8601 basic format. */
function requestDate(headers: SignedRequest["headers"]): string {
  const amzDate = single(headers, "x-amz-date");
  if (amzDate !== undefined) {
    if (!/^\d{8}T\d{6}Z$/.test(amzDate) || Number.isNaN(parseAmzDate(amzDate).getTime())) {
      throw new KmsError("IncompleteSignatureException", `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`);
    }
    return amzDate;
  }
  const date = new Date(single(headers, "date") ?? "");
  if (Number.isNaN(date.getTime())) throw new KmsError("IncompleteSignatureException", "The Date header is not a valid HTTP date.");
  return formatAmzDate(date);
}

/**
 * The canonical request of SigV4 for a non-S3 service. The payload hash is computed from the body
 * that arrived, never taken from x-amz-content-sha256, so a body altered in transit fails.
 */
function canonicalRequestOf(request: SignedRequest, signedHeaders: readonly string[]): string {
  const queryStart = request.url.indexOf("?");
  const path = queryStart < 0 ? request.url : request.url.slice(0, queryStart);
  const query = queryStart < 0 ? "" : request.url.slice(queryStart + 1);
  const canonicalHeaders = signedHeaders
    .map((name) => {
      const values = request.headers[name] ?? [];
      return `${name}:${values.map((v) => v.replace(/[\r\n]/g, " ").replace(/[ \t]+/g, " ").trim()).join(",")}\n`;
    })
    .join("");
  return [request.method, canonicalPath(path), canonicalQuery(query), canonicalHeaders, signedHeaders.join(";"), sha256Hex(request.body)].join("\n");
}

/** Non-S3 services normalise the path and URI-encode it once more (the SDK's `uriEscapePath`). */
function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const normalised = `/${segments.join("/")}${segments.length > 0 && path.endsWith("/") ? "/" : ""}`;
  return uriEscape(normalised).replace(/%2F/g, "/");
}

function canonicalQuery(query: string): string {
  if (query === "") return "";
  return [...new URLSearchParams(query)]
    .map(([k, v]) => `${uriEscape(k)}=${uriEscape(v)}`)
    .sort()
    .join("&");
}

/** RFC 3986 unreserved characters stay; everything else is %XX, upper case. */
function uriEscape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function single(headers: SignedRequest["headers"], name: string): string | undefined {
  const values = headers[name];
  return values && values.length > 0 ? values.join(",") : undefined;
}

export function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

function parseAmzDate(value: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return new Date(Number.NaN);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}
