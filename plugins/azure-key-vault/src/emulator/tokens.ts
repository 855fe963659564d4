import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Access tokens the fake Entra ID issues and the fake vault accepts: HS256 JWTs under a key made
 * for this emulator run. The SDK never reads a token; the vault checks signature, audience and
 * expiry (against the emulator's clock) and reads the tenant and app from it.
 */
export interface TokenClaims {
  aud: string;
  tid: string;
  appid: string;
  iat: number;
  exp: number;
}

export const VAULT_RESOURCE = "https://vault.azure.net";

export class TokenSigner {
  private readonly key = randomBytes(32);

  issue(claims: TokenClaims): string {
    const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
    const body = b64url(JSON.stringify(claims));
    return `${head}.${body}.${this.sign(`${head}.${body}`)}`;
  }

  /** The token's claims when its signature is ours and it has not expired at `nowSeconds`; else undefined. */
  verify(token: string, nowSeconds: number): TokenClaims | undefined {
    const [head, body, signature] = token.split(".");
    if (!head || !body || !signature) return undefined;
    const expected = Buffer.from(this.sign(`${head}.${body}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    const claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as TokenClaims;
    return claims.exp > nowSeconds && claims.aud === VAULT_RESOURCE ? claims : undefined;
  }

  private sign(input: string): string {
    return createHmac("sha256", this.key).update(input).digest("base64url");
  }
}

function b64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}
