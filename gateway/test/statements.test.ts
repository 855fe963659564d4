import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providers, seedKeystores, seedManagedKeys, startTestGateway, type TestGateway } from "./harness.js";

/**
 * The SQL a request sends, split into the page's own statements and authentication's (the token
 * and its roles, skipped while the verified-token cache holds the token). Split by table, not by
 * timing: whether the cache still holds the token after a slow step on a loaded machine must not
 * change what a page is found to cost.
 */
async function statementsOf(t: TestGateway, run: () => Promise<void>): Promise<{ page: number; authentication: number }> {
  const texts: string[] = [];
  const db = t.gateway.database.db as unknown as { $on(event: "query", cb: (e: { query: string }) => void): void };
  let recording = true;
  db.$on("query", (e) => {
    if (recording) texts.push(e.query);
  });
  try {
    await run();
  } finally {
    recording = false;
  }
  const isAuthentication = (sql: string) => /["`](AccessToken|VaultRoleBinding|RateLimitWindow)["`]/.test(sql);
  return { page: texts.filter((q) => !isAuthentication(q)).length, authentication: texts.filter(isAuthentication).length };
}

/** A page of keystores with their vaults, groups and status costs the same statements at 10 and 100 rows. */
describe.each(await providers())("list queries on %s", (provider) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(provider);
    await seedKeystores(t.gateway.database.db, 10, 12);
  });
  afterAll(() => t?.close());

  const statementsFor = (first: number) =>
    statementsOf(t, async () => {
      const result = await t.gql(`query($first: Int) { keystores(first: $first) { totalCount nodes { id name groups vault { id name } status { health } properties { name value } } } }`, { first });
      expect(result.data.keystores.nodes).toHaveLength(first);
    });

  it("costs a constant number of statements per page", async () => {
    await statementsFor(10); // the token's first use records lastUsedAt: not part of a page's cost
    const ten = await statementsFor(10);
    const hundred = await statementsFor(100);
    // 3 for the page (count, page with its group names, vaults), at 10 rows as at 100.
    expect(ten.page).toBe(3);
    expect(hundred.page).toBe(3);
    // At most 2 to authenticate the token (the token and its roles), none while it is cached.
    expect(hundred.authentication).toBeLessThanOrEqual(2);
  });
});

describe.each(await providers())("managed key lists on %s", (provider) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(provider);
    await seedKeystores(t.gateway.database.db, 1, 3);
    const db = t.gateway.database.db;
    const vault = await db.vault.findFirstOrThrow();
    await seedManagedKeys(db, vault.id, await db.keystore.findMany({ select: { id: true, name: true } }), 120);
  });
  afterAll(() => t?.close());

  const statementsFor = (first: number) =>
    statementsOf(t, async () => {
      const result = await t.gql(
        `query($first: Int) { managedKeys(first: $first) { totalCount nodes { id label state usable aligned vault { name } template { name }
          verificationPattern { value } statusInKeystores { status syncFlag keystore { name groups } } } } }`,
        { first },
      );
      expect(result.data.managedKeys.nodes).toHaveLength(first);
      expect(result.data.managedKeys.nodes[0].statusInKeystores).toHaveLength(3);
    });

  it("a page of keys with their status in keystores costs a constant number of statements", async () => {
    await statementsFor(10); // the token's first use records lastUsedAt: not part of a page's cost
    const ten = await statementsFor(10);
    const hundred = await statementsFor(100);
    // 7 for the page (count, page with verification values and template revisions, instances,
    // the page's vaults and templates, the instances' keystores and their groups), at 10 rows as at 100.
    expect(ten.page).toBe(7);
    expect(hundred.page).toBe(7);
    expect(hundred.authentication).toBeLessThanOrEqual(2);
  });
});
