import { generateKeyPairSync, randomBytes, verify, type KeyObject } from "node:crypto";
import { status } from "@grpc/grpc-js";
import { KmsStatusError } from "./errors.js";
import type { EmulatorServiceAccount, ServiceAccountKeyFile } from "./types.js";

/**
 * Service accounts, their keys, and the check of the bearer the SDK sends. With a service-account
 * key the Google SDK never calls a token endpoint: it signs a JWT itself (RS256, `kid` = the
 * private key id, `iss` = `sub` = the account's e-mail) and sends it as the bearer (sdk-loopback
 * §4.2). The emulator verifies it with the public half of that key, as Google does.
 */
export const KMS_AUDIENCE = "https://cloudkms.googleapis.com/";
const ACCEPTED_SCOPES = ["https://www.googleapis.com/auth/cloudkms", "https://www.googleapis.com/auth/cloud-platform"];
/** Google's tolerance for clock differences between the caller and itself. */
const CLOCK_SKEW_S = 300;
/** Google refuses self-signed JWTs valid for longer than an hour. */
const MAX_LIFETIME_S = 3600;

const UNAUTHENTICATED_MESSAGE =
  "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.";

interface AccountKey {
  readonly email: string;
  readonly publicKey: KeyObject;
}

export class ServiceAccounts {
  private readonly accounts = new Map<string, EmulatorServiceAccount>();
  private readonly keys = new Map<string, AccountKey>();

  /** Adds or updates an account and issues a new key for it, returned as Google's JSON key file. */
  add(name: string, projectId: string, permissions: "*" | readonly string[]): ServiceAccountKeyFile {
    if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(name)) throw new RangeError(`A service account name is 6-30 of [a-z0-9-], not "${name}"`);
    const email = `${name}@${projectId}.iam.gserviceaccount.com`;
    this.accounts.set(email, { email, projectId, permissions: permissions === "*" ? "*" : [...permissions] });
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const privateKeyId = randomBytes(20).toString("hex");
    this.keys.set(privateKeyId, { email, publicKey });
    return {
      type: "service_account",
      project_id: projectId,
      private_key_id: privateKeyId,
      private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      client_email: email,
      client_id: BigInt(`0x${randomBytes(8).toString("hex")}`).toString(),
      auth_uri: "https://accounts.google.com/o/oauth2/auth",
      // Never called by the SDK with a service-account key (sdk-loopback §4.2); as Google writes it.
      token_uri: "https://oauth2.googleapis.com/token",
    };
  }

  deleteKey(privateKeyId: string): void {
    if (!this.keys.delete(privateKeyId)) throw new RangeError(`No service-account key ${privateKeyId}`);
  }

  /** The account behind `authorization: Bearer <jwt>`; UNAUTHENTICATED unless the JWT is valid now. */
  authenticate(authorization: string | undefined, nowMs: number): EmulatorServiceAccount {
    const jwt = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(authorization ?? "");
    if (!jwt) throw unauthenticated();
    const [, headerPart, claimsPart, signaturePart] = jwt as unknown as [string, string, string, string];
    const header = parsePart(headerPart);
    const claims = parsePart(claimsPart);
    if (header?.alg !== "RS256" || typeof header.kid !== "string" || !claims) throw unauthenticated();
    const key = this.keys.get(header.kid);
    if (!key || claims.iss !== key.email || (claims.sub !== undefined && claims.sub !== key.email)) throw unauthenticated();
    const signed = Buffer.from(`${headerPart}.${claimsPart}`);
    if (!verify("sha256", signed, key.publicKey, Buffer.from(signaturePart, "base64url"))) throw unauthenticated();
    const now = Math.floor(nowMs / 1000);
    const { iat, exp } = claims;
    if (typeof iat !== "number" || typeof exp !== "number") throw unauthenticated();
    if (iat > now + CLOCK_SKEW_S || exp < now - CLOCK_SKEW_S || exp - iat > MAX_LIFETIME_S) throw unauthenticated();
    if (!audienceAccepted(claims)) throw unauthenticated();
    const account = this.accounts.get(key.email);
    if (!account) throw unauthenticated();
    return account;
  }
}

/** A self-signed JWT names Cloud KMS as its audience, or carries a scope that covers it. */
function audienceAccepted(claims: Record<string, unknown>): boolean {
  if (claims.aud !== undefined) return claims.aud === KMS_AUDIENCE;
  const scopes = typeof claims.scope === "string" ? claims.scope.split(" ") : [];
  return scopes.some((s) => ACCEPTED_SCOPES.includes(s));
}

function parsePart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function unauthenticated(): KmsStatusError {
  return new KmsStatusError(status.UNAUTHENTICATED, UNAUTHENTICATED_MESSAGE);
}

/** Whether `account` holds `permission` on a resource of `projectId`. */
export function holds(account: EmulatorServiceAccount, projectId: string, permission: string): boolean {
  return account.projectId === projectId && (account.permissions === "*" || account.permissions.includes(permission));
}
