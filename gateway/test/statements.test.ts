import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providers, seedKeystores, startTestGateway, type TestGateway } from "./harness.js";

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
    const ten = await statementsFor(10);
    const hundred = await statementsFor(100);
    expect(ten).toBeGreaterThan(0);
    expect(hundred).toBe(ten);
    expect(hundred).toBeLessThanOrEqual(5);
  });
});
