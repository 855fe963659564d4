import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { SettableClock } from "@uko/emulator-kit";
import type { ApiKeyIdentity } from "./types.js";

/**
 * IBM Cloud IAM's token endpoint for the API-key grant. Tokens are JWTs (the IBM SDK reads their
 * `exp` to refresh them), signed here with a per-run secret, and expire on the emulator's clock.
 */
export class IamService {
  private readonly secret = randomBytes(32);

  constructor(
    private readonly identities: readonly ApiKeyIdentity[],
    private readonly clock: SettableClock,
    private readonly lifetimeSeconds: number,
  ) {}

  /** The token response, or IAM's error body with its HTTP status. */
  exchange(form: URLSearchParams): { status: number; body: unknown } {
    if (form.get("grant_type") !== "urn:ibm:params:oauth:grant-type:apikey") {
      return { status: 400, body: iamError("BXNIM0308E", "Grant type is not supported.") };
    }
    const apiKey = form.get("apikey");
    if (!apiKey) return { status: 400, body: iamError("BXNIM0103E", "API key is missing.") };
    const identity = this.identities.find((i) => i.apiKey.length === apiKey.length && timingSafeEqual(Buffer.from(i.apiKey), Buffer.from(apiKey)));
    if (!identity) return { status: 400, body: iamError("BXNIM0415E", "Provided API key could not be found.") };
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    const exp = iat + this.lifetimeSeconds;
    return {
      status: 200,
      body: { access_token: this.sign({ iam_id: identity.iamId, sub: identity.iamId, iat, exp }), refresh_token: "not_supported", token_type: "Bearer", expires_in: this.lifetimeSeconds, expiration: exp, scope: "ibm openid" },
    };
  }

  /** The identity behind a bearer token, or why it is refused. */
  verify(authorization: string | undefined): ApiKeyIdentity | "missing" | "invalid" | "expired" {
    const token = /^Bearer (.+)$/.exec(authorization ?? "")?.[1];
    if (!token) return "missing";
    const [header, payload, signature] = token.split(".");
    if (!header || !payload || !signature) return "invalid";
    const expected = createHmac("sha256", this.secret).update(`${header}.${payload}`).digest("base64url");
    if (expected.length !== signature.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) return "invalid";
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as { iam_id: string; exp: number };
    if (claims.exp * 1000 <= this.clock.now().getTime()) return "expired";
    return this.identities.find((i) => i.iamId === claims.iam_id) ?? "invalid";
  }

  private sign(claims: Record<string, unknown>): string {
    const header = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
    const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
    return `${header}.${payload}.${createHmac("sha256", this.secret).update(`${header}.${payload}`).digest("base64url")}`;
  }
}

function iamError(errorCode: string, errorMessage: string) {
  return { errorCode, errorMessage, context: { requestId: randomBytes(8).toString("hex") } };
}
