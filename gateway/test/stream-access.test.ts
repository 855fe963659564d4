import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "./harness.js";
import { subscribeSse } from "./sse.js";

/**
 * Issue 10, item 3: a subscription stream outlives the request that authenticated it, so its
 * access is decided again: a revoked token, an expired one and a role taken away each end the
 * stream (at once when this replica hears of it, and at the latest before the next event), and a
 * token may hold only so many streams open.
 */
describe("subscriptions end when their access does", () => {
  let t: TestGateway;
  let vaultId: string;
  const MAX_STREAMS = 2;

  beforeAll(async () => {
    t = await startTestGateway("sqlite", { maxStreamsPerToken: MAX_STREAMS });
    vaultId = (await t.gql(`mutation { createVault(input: { name: "streams" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault.id;
  });
  afterAll(() => t?.close());

  async function token(name: string, expiresAt?: Date) {
    const r = await t.gql(`mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { ... on CreateAccessTokenSuccess { created { token accessToken { id } } } } }`, {
      input: { name, roles: [{ vaultId, role: "READER" }], ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}) },
    });
    return r.data.createAccessToken.created as { token: string; accessToken: { id: string } };
  }

  /** An SSE subscription as `bearer` to the vault's key changes. */
  const subscribe = (bearer: string) => subscribeSse(t, bearer, `subscription($v: ID!) { managedKeyChanged(vaultId: $v) { id } }`, { v: vaultId });

  const announce = () => t.gateway.services.events.publish("managedKey:changed", vaultId, { id: randomUUID() });
  const settle = () => new Promise((r) => setTimeout(r, 50));

  it("revocation: the stream ends at once, with UNAUTHENTICATED, without waiting for an event", async () => {
    const reader = await token("stream-revoked");
    const sub = await subscribe(reader.token);
    try {
      await settle();
      announce();
      expect(await sub.next()).toMatchObject({ data: { managedKeyChanged: null } });
      await t.gql(`mutation($input: RevokeAccessTokenInput!) { revokeAccessToken(input: $input) { __typename } }`, { input: { id: reader.accessToken.id } });
      const ended = await sub.next(1000);
      expect(ended).toMatchObject({ errors: [{ extensions: { code: "UNAUTHENTICATED" } }] });
      expect(await sub.next(1000)).toBe("ended");
      expect(t.gateway.services.streams.openFor(reader.accessToken.id)).toBe(0);
    } finally {
      sub.close();
    }
  });

  it("revocation this replica did not hear of (another replica, the database): no further event is delivered", async () => {
    const reader = await token("stream-revoked-elsewhere");
    const sub = await subscribe(reader.token);
    try {
      await settle();
      await t.gateway.database.db.accessToken.update({ where: { id: reader.accessToken.id }, data: { revokedAt: new Date() } });
      announce();
      expect(await sub.next()).toMatchObject({ errors: [{ extensions: { code: "UNAUTHENTICATED" } }] });
      expect(await sub.next(1000)).toBe("ended");
    } finally {
      sub.close();
    }
  });

  it("expiry: the stream ends when the token expires, with no event to trigger it", async () => {
    const reader = await token("stream-expiring", new Date(Date.now() + 1500));
    const sub = await subscribe(reader.token);
    try {
      await settle();
      announce();
      expect(await sub.next()).toMatchObject({ data: { managedKeyChanged: null } });
      const started = Date.now();
      expect(await sub.next(4000)).toMatchObject({ errors: [{ extensions: { code: "UNAUTHENTICATED" } }] });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      sub.close();
    }
  });

  it("role taken away: the stream ends at once, answering as for a vault it cannot see", async () => {
    const reader = await token("stream-demoted");
    const sub = await subscribe(reader.token);
    try {
      await settle();
      await t.gql(`mutation($input: RevokeVaultRoleInput!) { revokeVaultRole(input: $input) { __typename } }`, { input: { tokenId: reader.accessToken.id, vaultId, role: "READER" } });
      expect(await sub.next(1000)).toMatchObject({ errors: [{ extensions: { code: "NOT_FOUND" } }] });
    } finally {
      sub.close();
    }
    // And taken away where this replica cannot hear it: before the next event.
    const other = await token("stream-demoted-elsewhere");
    const sub2 = await subscribe(other.token);
    try {
      await settle();
      await t.gateway.database.db.vaultRoleBinding.deleteMany({ where: { tokenId: other.accessToken.id } });
      announce();
      expect(await sub2.next()).toMatchObject({ errors: [{ extensions: { code: "NOT_FOUND" } }] });
    } finally {
      sub2.close();
    }
  });

  it(`a token may hold ${MAX_STREAMS} streams open; closing one frees its place`, async () => {
    const reader = await token("stream-capped");
    const open = [await subscribe(reader.token), await subscribe(reader.token)];
    try {
      await settle();
      expect(t.gateway.services.streams.openFor(reader.accessToken.id)).toBe(MAX_STREAMS);
      const third = await subscribe(reader.token);
      expect(await third.next()).toMatchObject({ errors: [{ extensions: { code: "TOO_MANY_STREAMS" } }] });
      third.close();
      // Another token is not affected.
      const otherToken = await token("stream-other");
      const other = await subscribe(otherToken.token);
      await settle();
      announce();
      expect(await other.next()).toMatchObject({ data: { managedKeyChanged: null } });
      other.close();

      open.shift()!.close();
      for (let i = 0; i < 50 && t.gateway.services.streams.openFor(reader.accessToken.id) >= MAX_STREAMS; i++) await settle();
      const again = await subscribe(reader.token);
      await settle();
      announce();
      const delivered = await again.next();
      expect(delivered).toMatchObject({ data: { managedKeyChanged: null } });
      open.push(again);
    } finally {
      for (const s of open) s.close();
    }
  });
});
