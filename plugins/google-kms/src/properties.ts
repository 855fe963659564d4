import { ConnectorError, property, type PropertyValue, type PropertyValues } from "@uko/connector-sdk";

/**
 * The `google_kms` connection properties (uko-api.md §3): the service account's JSON key file
 * (secret; the project and private key id are derived from it and shown), the location and the
 * key ring, plus two advanced ones for private service connect and emulators.
 */
export interface ServiceAccountKey {
  readonly type: "service_account";
  readonly project_id: string;
  readonly private_key_id: string;
  readonly private_key: string;
  readonly client_email: string;
}

export interface GoogleConnection {
  readonly keyFile: ServiceAccountKey;
  readonly projectId: string;
  readonly location: string;
  readonly keyRing: string;
  /** `projects/<p>/locations/<l>/keyRings/<r>`. */
  readonly keyRingName: string;
  readonly apiEndpoint?: { host: string; port: number };
  readonly trustedCaPem?: string;
}

export const KEY_FILE_MAX_BYTES = 4096;
/** Google's project ids: 6-30 lowercase letters, digits and hyphens, starting with a letter. */
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const PRIVATE_KEY_ID = /^[a-f0-9]{40}$/;
const CLIENT_EMAIL = /^[a-z0-9-]+@[a-z0-9.-]+$/;

/**
 * The service-account key in the file's base64, or the list of what is wrong with it, each naming
 * the JSON field at fault.
 */
export function parseKeyFile(base64: string): { key: ServiceAccountKey } | { problems: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(base64, "base64").toString("utf8"));
  } catch {
    return { problems: ["The JSON key file is not valid JSON"] };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { problems: ["The JSON key file must hold a JSON object"] };
  const f = parsed as Record<string, unknown>;
  const problems: string[] = [];
  const text = (field: string): string | undefined => {
    const value = f[field];
    if (value === undefined || value === null || value === "") {
      problems.push(`"${field}" is missing`);
      return undefined;
    }
    if (typeof value !== "string") {
      problems.push(`"${field}" must be a string`);
      return undefined;
    }
    return value;
  };
  const type = text("type");
  if (type !== undefined && type !== "service_account") problems.push(`"type" must be "service_account", not "${type.slice(0, 40)}" (this is not a service-account key)`);
  const projectId = text("project_id");
  if (projectId !== undefined && !PROJECT_ID.test(projectId)) problems.push(`"project_id" is not a Google Cloud project id`);
  const privateKeyId = text("private_key_id");
  if (privateKeyId !== undefined && !PRIVATE_KEY_ID.test(privateKeyId)) problems.push(`"private_key_id" must be 40 hexadecimal digits`);
  const privateKey = text("private_key");
  // The key itself is never quoted back: only whether it looks like one.
  if (privateKey !== undefined && !/^-----BEGIN PRIVATE[ ]KEY-----\r?\n[\s\S]+\r?\n-----END PRIVATE[ ]KEY-----\s*$/.test(privateKey)) {
    problems.push(`"private_key" must be the PEM PKCS#8 private key Google wrote into the file`);
  }
  const clientEmail = text("client_email");
  if (clientEmail !== undefined && !CLIENT_EMAIL.test(clientEmail)) problems.push(`"client_email" is not a service account's e-mail address`);
  if (problems.length > 0) return { problems };
  return { key: { type: "service_account", project_id: projectId!, private_key_id: privateKeyId!, private_key: privateKey!, client_email: clientEmail! } };
}

function keyFileProblem(value: PropertyValue): string | undefined {
  const parsed = parseKeyFile(String(value));
  return "problems" in parsed ? `Not a usable service-account key: ${parsed.problems.join("; ")}` : undefined;
}

/** `host` or `host:port`; an https:// prefix is accepted and dropped. Port 443 by default. */
export function parseEndpoint(value: string): { host: string; port: number } | undefined {
  const match = /^(?:https:\/\/)?(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?\/?$/.exec(value.trim());
  if (!match) return undefined;
  const port = match[2] === undefined ? 443 : Number(match[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: match[1]!.replace(/^\[|\]$/g, ""), port };
}

const PEM_CERTIFICATE = /^\s*(-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*)+$/;

export const googleProperties = [
  property.file("google_credentials", {
    label: "JSON key file",
    description:
      "The service account's JSON key file (IAM → Service accounts → Keys → Add key → JSON). Write-only: it is sealed at rest and never shown again. It may later be replaced by a key of the same project only.",
    required: true,
    secret: true,
    accept: [".json"],
    maxBytes: KEY_FILE_MAX_BYTES,
    validate: keyFileProblem,
  }),
  property.string("google_project_id", {
    label: "Project",
    description: "The Google Cloud project, read from the JSON key file.",
    derived: true,
    immutable: true,
  }),
  property.string("google_private_key_id", {
    label: "Private key ID",
    description: "The id of the service account key in use, read from the JSON key file; it changes when the key file is replaced.",
    derived: true,
  }),
  property.string("google_location", {
    label: "Location",
    description: "The Cloud KMS location of the key ring, e.g. europe-west3, us, or global.",
    required: true,
    immutable: true,
    minLength: 2,
    maxLength: 63,
    pattern: "[a-z][a-z0-9-]*[a-z0-9]",
    patternMessage: "Location must be a Cloud KMS location such as europe-west3, us or global",
    normalize: (v) => (typeof v === "string" ? v.trim().toLowerCase().replace(/_/g, "-") : v),
  }),
  property.string("google_key_ring", {
    label: "Key ring",
    description: "The key ring the keys go into. It must exist: the gateway does not create key rings, and Google cannot delete them.",
    required: true,
    immutable: true,
    minLength: 1,
    maxLength: 63,
    pattern: "[a-zA-Z0-9_-]+",
    patternMessage: "Key ring ids are 1 to 63 letters, digits, '_' and '-'",
  }),
  property.string("google_api_endpoint", {
    label: "API endpoint",
    description: "Advanced, optional: a private service connect endpoint or an emulator, as host or host:port. Leave empty for cloudkms.googleapis.com.",
    maxLength: 255,
    validate: (v) => (parseEndpoint(String(v)) ? undefined : "API endpoint must be a host name or address with an optional port, such as kms.p.googleapis.com:443"),
  }),
  property.string("google_trusted_ca", {
    label: "Trusted CA certificate",
    description: "Advanced, optional: the PEM certificate(s) of the CA that signs the API endpoint's certificate, for a private endpoint or an emulator. Trusted for this keystore only.",
    maxLength: 32_768,
    validate: (v) => (PEM_CERTIFICATE.test(String(v)) ? undefined : "Trusted CA certificate must be one or more PEM certificates (-----BEGIN CERTIFICATE-----)"),
  }),
];

/** The derived properties: the project and the private key id, from the key file. */
export function deriveGoogleProperties(properties: Readonly<PropertyValues>): PropertyValues {
  const key = requireKeyFile(properties);
  return { google_project_id: key.project_id, google_private_key_id: key.private_key_id };
}

function requireKeyFile(properties: Readonly<PropertyValues>): ServiceAccountKey {
  const parsed = parseKeyFile(String(properties.google_credentials ?? ""));
  if ("problems" in parsed) {
    throw new ConnectorError("INVALID_PROPERTIES", `Not a usable service-account key: ${parsed.problems.join("; ")}`, { properties: ["google_credentials"] });
  }
  return parsed.key;
}

export function googleConnection(properties: Readonly<PropertyValues>): GoogleConnection {
  const keyFile = requireKeyFile(properties);
  const location = String(properties.google_location);
  const keyRing = String(properties.google_key_ring);
  const endpoint = typeof properties.google_api_endpoint === "string" && properties.google_api_endpoint !== "" ? parseEndpoint(properties.google_api_endpoint) : undefined;
  const ca = properties.google_trusted_ca;
  return {
    keyFile,
    projectId: keyFile.project_id,
    location,
    keyRing,
    keyRingName: `projects/${keyFile.project_id}/locations/${location}/keyRings/${keyRing}`,
    ...(endpoint ? { apiEndpoint: endpoint } : {}),
    ...(typeof ca === "string" && ca !== "" ? { trustedCaPem: ca } : {}),
  };
}

/**
 * A replaced key file must belong to the keystore's project (its keys live there); the gateway
 * keeps the old properties when this throws.
 */
export function requireSameProject(previous: Readonly<PropertyValues>, next: Readonly<PropertyValues>): void {
  const before = previous.google_project_id ?? (() => {
    const parsed = parseKeyFile(String(previous.google_credentials ?? ""));
    return "key" in parsed ? parsed.key.project_id : undefined;
  })();
  const after = requireKeyFile(next).project_id;
  if (before !== undefined && before !== after) {
    throw new ConnectorError(
      "INVALID_PROPERTIES",
      `The new JSON key file belongs to project ${after}, but this keystore is in project ${String(before)}: a key file may only be replaced by one of the same project`,
      { properties: ["google_credentials"] },
    );
  }
}
