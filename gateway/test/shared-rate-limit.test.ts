import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresUnavailable, startTestGateway, type TestGateway } from "./harness.js";

/**
 * On PostgreSQL the per-token rate limit holds across replicas: two gateways on one database let a
 * token make the limit's number of requests a minute between them, not twice as many. The
 * gateways' clock is held in the middle of a minute, so the window cannot turn during the test.
 */
const unavailable = await postgresUnavailable();
const LIMIT = 3;

describe.skipIf(unavailable !== undefined)(`rate limits across replicas${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  let a: TestGateway;
  let b: TestGateway;
  const now = { ms: Date.now() - (Date.now() % 60_000) + 30_000 };
  const clock = { now: () => new Date(now.ms) };

  beforeAll(async () => {
    a = await startTestGateway("postgresql", { rateLimitPerMinute: LIMIT }, { clock });
    b = await startTestGateway("postgresql", { rateLimitPerMinute: LIMIT, databaseUrl: a.config.databaseUrl, rootKey: a.config.rootKey, adminToken: a.config.adminToken }, { clock });
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const ask = (t: TestGateway) => t.gqlAs(t.config.adminToken!, `{ __typename } # expect-errors`);

  it("counts one token's requests on every replica against one limit, and says when to retry", async () => {
    expect((await ask(a)).status).toBe(200);
    expect((await ask(b)).status).toBe(200);
    expect((await ask(a)).status).toBe(200);
    // The fourth request of the minute, on either replica, is one too many.
    const refused = await ask(b);
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "RATE_LIMITED", retryAfterSeconds: 30 });
    expect((await ask(a)).status).toBe(429);
    // The next minute is a new window, on both.
    now.ms += 60_000;
    expect((await ask(b)).status).toBe(200);
    expect((await ask(a)).status).toBe(200);
  });
});
