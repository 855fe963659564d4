import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providers, seedKeystores, seedManagedKeys, startTestGateway, type TestGateway } from "./harness.js";

/** A page of keystores with their vaults, groups and status costs the same statements at 10 and 100 rows. */
describe.each(await providers())("list queries on %s", (provider) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(provider);
    await seedKeystores(t.gateway.database.db, 10, 12);
  });
  afterAll(() => t?.close());

  const statementsFor = async (first: number) => {
    const before = t.gateway.database.statements.count;
    const result = await t.gql(`query($first: Int) { keystores(first: $first) { totalCount nodes { id name groups vault { id name } status { health } properties { name value } } } }`, { first });
    expect(result.data.keystores.nodes).toHaveLength(first);
    return t.gateway.database.statements.count - before;
  };

  it("costs a constant number of statements per page", async () => {
    await statementsFor(10); // the token's first use records lastUsedAt: not part of a page's cost
    const ten = await statementsFor(10);
    const hundred = await statementsFor(100);
    expect(ten).toBeGreaterThan(0);
    expect(hundred).toBe(ten);
    // 3 for the page (count, page with its group names, vaults), 2 to authenticate the token (the
    // token and its roles) unless the verified-token cache has it.
    expect(hundred).toBeLessThanOrEqual(5);
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

  const statementsFor = async (first: number) => {
    const before = t.gateway.database.statements.count;
    const result = await t.gql(
      `query($first: Int) { managedKeys(first: $first) { totalCount nodes { id label state usable aligned vault { name } template { name }
        verificationPattern { value } statusInKeystores { status syncFlag keystore { name groups } } } } }`,
      { first },
    );
    expect(result.data.managedKeys.nodes).toHaveLength(first);
    expect(result.data.managedKeys.nodes[0].statusInKeystores).toHaveLength(3);
    return t.gateway.database.statements.count - before;
  };

  it("a page of keys with their status in keystores costs a constant number of statements", async () => {
    await statementsFor(10); // the token's first use records lastUsedAt: not part of a page's cost
    const ten = await statementsFor(10);
    const hundred = await statementsFor(100);
    expect(hundred).toBe(ten);
    // 5 for the page (count, page with verification values and template revisions, instances,
    // their keystores, the keystores' groups), 2 to authenticate unless the token is cached.
    expect(hundred).toBeLessThanOrEqual(7);
  });
});
