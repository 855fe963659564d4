import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providers, startTestGateway, type TestGateway } from "./harness.js";

/** A page of keystores with their vaults, groups and status costs the same statements at 10 and 100 rows. */
describe.each(await providers())("list queries on %s", (provider) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(provider);
    const db = t.gateway.database.db;
    for (let v = 0; v < 10; v++) {
      const vault = await db.vault.create({ data: { name: `V${v}` } });
      await db.keystore.createMany({
        data: Array.from({ length: 12 }, (_, i) => ({
          id: crypto.randomUUID(),
          vaultId: vault.id,
          name: `ks-${v}-${i}`,
          type: "reference",
          remoteIdentity: `${v}-${i}`,
          properties: JSON.stringify({ reference_instance: `i${v}${i}` }),
        })),
      });
    }
    const ids = await db.keystore.findMany({ select: { id: true } });
    await db.keystoreGroup.createMany({ data: ids.map((k) => ({ keystoreId: k.id, name: "prod", position: 0 })) });
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
