import { getIntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "./harness.js";

describe("hostile requests", () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway("sqlite");
  });
  afterAll(() => t?.close());

  const post = (body: string, headers: Record<string, string> = {}) =>
    t.fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), authorization: `Bearer ${t.config.adminToken}`, ...headers },
      body,
    });

  it("answers malformed GraphQL and JSON with a clean 400", async () => {
    const syntax = await post(JSON.stringify({ query: "{ vaults { " }));
    expect((await syntax.json()).errors[0].message).toMatch(/Syntax Error/);
    const json = await post("{not json");
    expect(json.status).toBe(400);
  });

  it("refuses oversized and undeclared bodies before reading them", async () => {
    const big = await post(JSON.stringify({ query: `{ vaults { totalCount } }`, pad: "x".repeat(300_000) }));
    expect(big.status).toBe(413);
    const undeclared = await t.gateway.yoga.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode("{}")), c.close()) }),
      duplex: "half",
    } as RequestInit);
    expect(undeclared.status).toBe(411);
  });

  it("refuses very wide queries with a typed limit error", async () => {
    const normal = await t.gql(`{ keystores { edges { node { vault { id } } } } }`);
    expect(normal.errors).toBeUndefined();
    const wide = Array.from({ length: 45 }, (_, i) => `a${i}: keystores(first: 100) { nodes { id name groups properties { name value } vault { id name description } } }`).join(" ");
    const breadth = await t.gql(`{ ${wide} } # expect-errors`);
    expect(breadth.errors?.[0]?.message).toMatch(/maximum (complexity|breadth)/);
    expect(breadth.errors?.[0]?.extensions?.code).toBe("QUERY_TOO_COMPLEX");
  });

  it("masks unexpected errors, and the log has the real one under the same error id", async () => {
    const response = await post(JSON.stringify({ query: `{ vaults { totalCount } }` }));
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    // A database that lost a table: the kind of fault no resolver expects.
    await t.gateway.database.db.$executeRawUnsafe(`ALTER TABLE "Vault" RENAME TO "VaultGone"`);
    try {
      const broken = await t.gql(`{ vaults { totalCount } } # expect-errors`);
      const error = broken.errors![0]!;
      expect(error.message).toBe("Unexpected error.");
      expect(error.extensions?.code).toBe("INTERNAL_SERVER_ERROR");
      expect(error.extensions?.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.stringify(broken)).not.toMatch(/VaultGone|no such table|prisma/i);
      const logged = t.logs.find((l) => l.includes(String(error.extensions?.errorId)) && l.includes("unexpected error"));
      expect(logged).toMatch(/Vault/);
    } finally {
      await t.gateway.database.db.$executeRawUnsafe(`ALTER TABLE "VaultGone" RENAME TO "Vault"`);
    }
  });

  it("refuses deeply nested introspection and alias floods, but serves GraphiQL's introspection", async () => {
    const graphiql = await t.gql(getIntrospectionQuery());
    expect(graphiql.data.__schema.types.length).toBeGreaterThan(20);
    const nested = await t.gql(`{ __schema { types { fields { type { fields { type { fields { name } } } } } } } } # expect-errors`);
    expect(nested.errors?.[0]?.message).toMatch(/Introspection lists may be nested 3 deep; this query nests them 4 deep/);
    expect(nested.errors?.[0]?.extensions?.code).toBe("QUERY_TOO_COMPLEX");
    const viaFragment = await t.gql(`{ __type(name: "Vault") { ...F } } fragment F on __Type { fields { type { fields { type { fields { type { fields { name } } } } } } } } # expect-errors`);
    expect(viaFragment.errors?.[0]?.extensions?.code).toBe("QUERY_TOO_COMPLEX");
    const aliases = Array.from({ length: 51 }, (_, i) => `a${i}: __typename`).join(" ");
    const flood = await t.gql(`{ ${aliases} } # expect-errors`);
    expect(flood.errors?.[0]?.message).toMatch(/at most 50 aliases; this one uses 51/);
  });

  it("refuses cross-site simple requests (CSRF prevention) but serves JSON posts and the GraphiQL page", async () => {
    const form = await t.fetch("/graphql", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Bearer ${t.config.adminToken}` }, body: "query=%7B__typename%7D" });
    expect(form.status).toBe(403);
    const get = await t.fetch("/graphql?query=%7B__typename%7D", { headers: { authorization: `Bearer ${t.config.adminToken}` } });
    expect(get.status).toBe(403);
    const withHeader = await t.fetch("/graphql?query=%7B__typename%7D", { headers: { authorization: `Bearer ${t.config.adminToken}`, "x-graphql-yoga-csrf": "1" } });
    expect(withHeader.status).toBe(200);
    const page = await t.fetch("/graphql", { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<html");
  });

  it("serves health endpoints", async () => {
    expect(await (await t.fetch("/healthz")).json()).toEqual({ status: "ok" });
    expect(await (await t.fetch("/readyz")).json()).toEqual({ status: "ready" });
  });
});
