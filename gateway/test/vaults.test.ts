import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorFields, providers, startTestGateway, type TestGateway } from "./harness.js";

const CREATE = `mutation($input: CreateVaultInput!) { createVault(input: $input) {
  ... on CreateVaultSuccess { vault { id name description version } } ${errorFields("ValidationError")} } }`;
const UPDATE = `mutation($input: UpdateVaultInput!) { updateVault(input: $input) {
  ... on UpdateVaultSuccess { vault { id name description version } } ${errorFields("ValidationError", "NotFoundError", "VersionConflictError")} } }`;
const DELETE = `mutation($input: DeleteVaultInput!) { deleteVault(input: $input) {
  ... on DeleteVaultSuccess { vault { id } } ${errorFields("NotFoundError", "VersionConflictError", "VaultNotEmptyError")} } }`;

describe.each(await providers())("vaults on %s", (provider) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(provider);
  });
  afterAll(() => t?.close());

  const count = async () => (await t.gql(`{ vaults { totalCount } }`)).data.vaults.totalCount as number;

  it("creates, reads, renames and deletes a vault, counting versions", async () => {
    const created = (await t.gql(CREATE, { input: { name: "Payments", description: "PCI keys" } })).data.createVault;
    expect(created.vault).toMatchObject({ name: "Payments", description: "PCI keys", version: 1 });
    const id = created.vault.id;
    expect((await t.gql(`query($id: ID!) { vault(id: $id) { name } }`, { id })).data.vault.name).toBe("Payments");

    const renamed = (await t.gql(UPDATE, { input: { id, expectedVersion: 1, name: "Payments EU" } })).data.updateVault;
    expect(renamed.vault).toMatchObject({ name: "Payments EU", description: "PCI keys", version: 2 });

    const deleted = (await t.gql(DELETE, { input: { id, expectedVersion: 2 } })).data.deleteVault;
    expect(deleted.vault.id).toBe(id);
    expect((await t.gql(`query($id: ID!) { vault(id: $id) { id } }`, { id })).data.vault).toBeNull();
  });

  it("names every bad field and creates nothing", async () => {
    const before = await count();
    const result = (await t.gql(CREATE, { input: { name: "", description: "x".repeat(201) } })).data.createVault;
    expect(result.__typename).toBe("ValidationError");
    expect(result.code).toBe("VALIDATION_FAILED");
    expect(result.issues.map((i: { path: string[] }) => i.path.join("."))).toEqual(["input.name", "input.description"]);
    const badName = (await t.gql(CREATE, { input: { name: " leading space" } })).data.createVault;
    expect(badName.issues[0].path).toEqual(["input", "name"]);
    const tooLong = (await t.gql(CREATE, { input: { name: "v".repeat(101) } })).data.createVault;
    expect(tooLong.issues[0].message).toMatch(/at most 100/);
    expect(await count()).toBe(before);
  });

  it("refuses a stale version with the current one, and changes nothing", async () => {
    const { id } = (await t.gql(CREATE, { input: { name: "Stale" } })).data.createVault.vault;
    await t.gql(UPDATE, { input: { id, expectedVersion: 1, description: "first" } });
    const stale = (await t.gql(UPDATE, { input: { id, expectedVersion: 1, description: "second" } })).data.updateVault;
    expect(stale).toMatchObject({ __typename: "VersionConflictError", expectedVersion: 1, currentVersion: 2 });
    const now = (await t.gql(`query($id: ID!) { vault(id: $id) { description version } }`, { id })).data.vault;
    expect(now).toEqual({ description: "first", version: 2 });
    const staleDelete = (await t.gql(DELETE, { input: { id, expectedVersion: 1 } })).data.deleteVault;
    expect(staleDelete.__typename).toBe("VersionConflictError");
  });

  it("reports unknown vaults as not found", async () => {
    const missing = "00000000-0000-4000-8000-000000000000";
    const result = (await t.gql(UPDATE, { input: { id: missing, expectedVersion: 1, name: "x" } })).data.updateVault;
    expect(result).toMatchObject({ __typename: "NotFoundError", resource: "vault", id: missing });
    expect((await t.gql(`{ vault(id: "not-a-uuid") { id } }`)).data.vault).toBeNull();
  });

  it("pages through vaults with cursors, filters by prefix and orders", async () => {
    for (const n of ["Page-a", "Page-b", "Page-c", "Page-d", "Page-e"]) await t.gql(CREATE, { input: { name: n } });
    const q = `query($after: String) { vaults(first: 2, after: $after, filter: { namePrefix: "Page-" }) {
      totalCount nodes { name } edges { cursor } pageInfo { hasNextPage endCursor } } }`;
    const names: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 5; i++) {
      const page: any = (await t.gql(q, { after })).data.vaults;
      expect(page.totalCount).toBe(5);
      names.push(...page.nodes.map((n: { name: string }) => n.name));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(names).toEqual(["Page-a", "Page-b", "Page-c", "Page-d", "Page-e"]);
    const desc = (await t.gql(`{ vaults(first: 2, filter: { namePrefix: "Page-" }, orderBy: { field: NAME, direction: DESC }) { nodes { name } } }`)).data;
    expect(desc.vaults.nodes.map((n: { name: string }) => n.name)).toEqual(["Page-e", "Page-d"]);
    const tooMany = await t.gql(`{ vaults(first: 101) { totalCount } } # expect-errors`);
    expect(tooMany.errors?.[0]?.message).toBeDefined();
    const badCursor = await t.gql(`{ vaults(after: "garbage") { totalCount } } # expect-errors`);
    expect(badCursor.errors).toBeDefined();
  });
});
