import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Actor } from "../src/access/actor.js";
import { VERIFIED_TOKEN_TTL_MS, VerifiedTokens } from "../src/access/verified-tokens.js";
import { startTestGateway, type TestGateway } from "./harness.js";

/**
 * The verified-token cache (issue 16) keeps every property of the security issue: a token accepted
 * within the last second is not looked up again, but a revocation or a role taken away through the
 * API is honoured by the very next request (the `access:changed` event drops it), and one made
 * behind this process's back (another replica, the database itself) within VERIFIED_TOKEN_TTL_MS.
 */
let t: TestGateway;
let vaultId: string;

async function token(name: string, roles: { vaultId: string; role: string }[] = []) {
  const r = await t.gql(`mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { ... on CreateAccessTokenSuccess { created { token accessToken { id } } } } }`, {
    input: { name, roles },
  });
  return r.data.createAccessToken.created as { token: string; accessToken: { id: string } };
}

const VAULT = `query($id: ID!) { vault(id: $id) { id } } # expect-errors`;

beforeAll(async () => {
  t = await startTestGateway("sqlite", { unauthenticatedRateLimitPerMinute: 0 });
  vaultId = (await t.gql(`mutation { createVault(input: { name: "cached-tokens" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault.id;
});
afterAll(() => t?.close());

describe("verified-token cache", () => {
  it("a token verified a moment ago costs no database statement", async () => {
    const { token: bearer } = await token("cached");
    expect((await t.gqlAs(bearer, "{ __typename }")).status).toBe(200);
    const before = t.gateway.database.statements.count;
    expect((await t.gqlAs(bearer, "{ __typename }")).status).toBe(200);
    expect(t.gateway.database.statements.count - before).toBe(0);
  });

  it("a token revoked through the API is refused by the very next request", async () => {
    const victim = await token("revoked-at-once");
    expect((await t.gqlAs(victim.token, "{ __typename }")).status).toBe(200);
    expect((await t.gqlAs(victim.token, "{ __typename }")).status).toBe(200); // served from the cache
    await t.gql(`mutation($input: RevokeAccessTokenInput!) { revokeAccessToken(input: $input) { __typename } }`, { input: { id: victim.accessToken.id } });
    const after = await t.gqlAs(victim.token, "{ __typename }");
    expect(after.status).toBe(401);
    expect(after.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("a role taken away through the API no longer allows the next request", async () => {
    const reader = await token("role-taken", [{ vaultId, role: "READER" }]);
    expect((await t.gqlAs(reader.token, VAULT, { id: vaultId })).data.vault).toEqual({ id: vaultId });
    await t.gql(`mutation($input: RevokeVaultRoleInput!) { revokeVaultRole(input: $input) { __typename } }`, { input: { tokenId: reader.accessToken.id, vaultId, role: "READER" } });
    const after = await t.gqlAs(reader.token, VAULT, { id: vaultId });
    expect(after.data?.vault ?? null).toBeNull();
  });

  it(`a token revoked behind the process's back (another replica, the database) is refused within ${VERIFIED_TOKEN_TTL_MS} ms`, async () => {
    const victim = await token("revoked-elsewhere");
    expect((await t.gqlAs(victim.token, "{ __typename }")).status).toBe(200);
    // The last acceptance verified the token no later than now; the revocation happens after it.
    const revokedAt = Date.now();
    await t.gateway.database.db.accessToken.update({ where: { id: victim.accessToken.id }, data: { revokedAt: new Date() } });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, revokedAt + VERIFIED_TOKEN_TTL_MS + 1 - Date.now())));
    expect((await t.gqlAs(victim.token, "{ __typename }")).status).toBe(401);
  });

  it("a cached token is refused from the moment it expires, not a cache lifetime later", async () => {
    const expiresAt = Date.now() + 2000;
    const r = await t.gql(`mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { ... on CreateAccessTokenSuccess { created { token } } } }`, {
      input: { name: "expiring", expiresAt: new Date(expiresAt).toISOString() },
    });
    const bearer = r.data.createAccessToken.created.token as string;
    // Keep it fresh in the cache until shortly before its expiry (a request a stall pushed past it may be refused).
    while (Date.now() < expiresAt - 400) {
      const { status } = await t.gqlAs(bearer, "{ __typename }");
      if (Date.now() < expiresAt) expect(status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt + 50 - Date.now())));
    expect((await t.gqlAs(bearer, "{ __typename }")).status).toBe(401);
  });

  it("an answer the database gave before an invalidation is not kept", () => {
    const cache = new VerifiedTokens();
    const actor = new Actor("token-1", "racer", false, []);
    const since = cache.mark(); // the lookup starts
    cache.forget("token-1"); // the token is revoked while the database answers
    cache.store("hash-1", actor, null, since);
    expect(cache.get("hash-1")).toBeUndefined();
    cache.store("hash-1", actor, null, cache.mark());
    expect(cache.get("hash-1")?.actor).toBe(actor);
  });

  it("the bound is at most one second", () => {
    expect(VERIFIED_TOKEN_TTL_MS).toBeLessThanOrEqual(1000);
  });
});
