import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compilable, HOT_AFTER, lruCache } from "../src/jit.js";
import { buildSchema, GraphQLError, parse } from "graphql";
import { compileQuery, isCompiledQuery } from "graphql-jit";
import pino from "pino";
import { maskError } from "../src/server.js";
import { errorFields, startTestGateway, type TestGateway } from "./harness.js";
import { subscribeSse } from "./sse.js";

/** Queries and mutations run compiled by graphql-jit (src/jit.ts); subscriptions do not. */
describe("compiled execution", () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway("sqlite");
  });
  afterAll(() => t?.close());

  /** What the gateway compiled and ran compiled while `run` ran. */
  async function counted(run: () => Promise<unknown>) {
    const before = { compiled: t.gateway.jit.compiledDocuments(), executions: t.gateway.jit.executions() };
    await run();
    return { compiled: t.gateway.jit.compiledDocuments() - before.compiled, executions: t.gateway.jit.executions() - before.executions };
  }

  /** Runs a document until it is hot (HOT_AFTER runs interpreted), then counts one more run. */
  async function hotRun(run: () => Promise<unknown>) {
    for (let i = 0; i < HOT_AFTER; i++) await run();
    return counted(run);
  }

  it("runs a document interpreted until it is hot, then compiles it once and runs it compiled every time", async () => {
    const query = `{ vaults(first: 5) { totalCount nodes { id name } } }`;
    const cold = await counted(async () => {
      for (let i = 0; i < HOT_AFTER; i++) expect((await t.gql(query)).data.vaults.totalCount).toBeGreaterThanOrEqual(0);
    });
    expect(cold).toEqual({ compiled: 0, executions: 0 });
    const first = await counted(() => t.gql(query));
    expect(first).toEqual({ compiled: 1, executions: 1 });
    const again = await counted(async () => {
      const r = await t.gql(query);
      expect(r.data.vaults.totalCount).toBeGreaterThanOrEqual(0);
    });
    expect(again).toEqual({ compiled: 0, executions: 1 });
  });

  it("compiles nothing for a stream of distinct documents (each run once)", async () => {
    const seen = await counted(async () => {
      for (let i = 0; i < 20; i++) expect((await t.gql(`{ vaults(first: ${i + 1}) { totalCount } }`)).data.vaults.totalCount).toBeGreaterThanOrEqual(0);
    });
    expect(seen).toEqual({ compiled: 0, executions: 0 });
  });

  it("does not compile a subscription", async () => {
    const vault = (await t.gql(`mutation { createVault(input: { name: "jit-sub" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault.id;
    const seen = await counted(async () => {
      const sub = await subscribeSse(t, t.config.adminToken!, `subscription($v: ID!) { keystoreStatusChanged(vaultId: $v) { name } }`, { v: vault });
      expect(sub.status).toBe(200);
      expect(await sub.next(300)).toBe("silent"); // open, nothing happened yet
      sub.close();
    });
    expect(seen).toEqual({ compiled: 0, executions: 0 });
  });

  it("a typed error of a compiled mutation is still its result union's member", async () => {
    const missing = "00000000-0000-4000-8000-000000000000";
    let result: any;
    const seen = await hotRun(async () => {
      result = (
        await t.gql(`mutation($input: UpdateVaultInput!) { updateVault(input: $input) { ... on UpdateVaultSuccess { vault { id } } ${errorFields("NotFoundError", "VersionConflictError")} } }`, {
          input: { id: missing, expectedVersion: 1, name: "x" },
        })
      ).data.updateVault;
    });
    expect(seen.executions).toBe(1);
    expect(result).toEqual({ __typename: "NotFoundError", message: expect.any(String), code: "NOT_FOUND", resource: "vault", id: missing, path: expect.anything() });
  });

  it("masks an unexpected error of a compiled resolver, with its request id, the real one only in the log", async () => {
    await t.gateway.database.db.$executeRawUnsafe(`ALTER TABLE "Vault" RENAME TO "VaultGone"`);
    try {
      let broken: any;
      const seen = await hotRun(async () => (broken = await t.gql(`{ vaults { totalCount } } # expect-errors`)));
      expect(seen.executions).toBe(1);
      const error = broken.errors[0];
      expect(error.message).toBe("Unexpected error.");
      expect(error.extensions).toEqual({ code: "INTERNAL_SERVER_ERROR", errorId: expect.any(String), requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(JSON.stringify(broken)).not.toMatch(/VaultGone|no such table|prisma/i);
      expect(t.logs.find((l) => l.includes(error.extensions.errorId) && l.includes("unexpected error"))).toMatch(/Vault/);
    } finally {
      await t.gateway.database.db.$executeRawUnsafe(`ALTER TABLE "VaultGone" RENAME TO "Vault"`);
    }
  });

  it("a variable that does not fit its type is the caller's mistake, with a code", async () => {
    let r: any;
    const seen = await hotRun(async () => (r = await t.gql(`query($n: Int) { vaults(first: $n) { totalCount } } # expect-errors`, { n: "many" })));
    expect(seen.executions).toBe(1);
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0]?.message).toMatch(/Variable "\$n" got invalid value "many"/);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", requestId: expect.any(String) });
  });

  it("a document of several operations runs uncompiled, each as named; a wrong name poisons nothing", async () => {
    const doc = `query A { vaults(first: 1) { totalCount } } query B { __typename }`;
    const post = (operationName: string, query = doc) =>
      t.fetch("/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${t.config.adminToken}` },
        body: JSON.stringify({ query, operationName }),
      }).then((r) => r.json() as Promise<any>);
    const seen = await counted(async () => {
      expect((await post("A")).data.vaults.totalCount).toBeGreaterThanOrEqual(0);
      expect((await post("B")).data).toEqual({ __typename: "Query" });
    });
    expect(seen).toEqual({ compiled: 0, executions: 0 });
    const single = `query C { __typename }`;
    const wrong = await hotRun(async () => expect((await post("D", single)).errors[0].message).toMatch(/operation/));
    expect(wrong.executions).toBe(0);
    expect((await post("C", single)).data).toEqual({ __typename: "Query" });
  });
});

describe("what is compiled", () => {
  it("a query or mutation alone in its document, named as requested", () => {
    expect(compilable({ document: parse(`{ a }`) })).toBe(true);
    expect(compilable({ document: parse(`mutation M { a }`), operationName: "M" })).toBe(true);
    expect(compilable({ document: parse(`query Q { a }`), operationName: "R" })).toBe(false);
    expect(compilable({ document: parse(`subscription { a }`) })).toBe(false);
    expect(compilable({ document: parse(`query A { a } query B { b }`), operationName: "A" })).toBe(false);
    expect(compilable({ document: parse(`query A { ...F } fragment F on Query { a }`) })).toBe(true);
  });

  it("the cache keeps the most recently used entries, at most its size", () => {
    const cache = lruCache<number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    cache.get("a");
    cache.set("c", 3);
    expect([cache.get("a"), cache.get("b"), cache.get("c"), cache.size]).toEqual([1, undefined, 3, 2]);
  });
});

describe("errors graphql-jit builds itself", () => {
  const schema = buildSchema(`type Query { name: String! secretish: Int! count(n: Int): Int }`);
  const logged: unknown[] = [];
  const mask = maskError(pino({ level: "error" }, { write: (line: string) => logged.push(line) } as never));

  it("a null in a non-null field, and a value its scalar refuses, are masked as graphql-js's are", async () => {
    const compiled = compileQuery(schema, parse(`{ name secretish }`));
    if (!isCompiledQuery(compiled)) throw new Error("did not compile");
    const result = (await compiled.query({ name: null, secretish: "sk-live-do-not-show" }, {}, {})) as { errors: GraphQLError[] };
    expect(result.errors.length).toBeGreaterThan(0);
    for (const error of result.errors) {
      expect(error.originalError).toBeUndefined(); // what made maskError pass them before
      const masked = mask(error, "Unexpected error.") as GraphQLError;
      expect(masked.message).toBe("Unexpected error.");
      expect(masked.extensions.code).toBe("INTERNAL_SERVER_ERROR");
    }
    expect(JSON.stringify(result.errors.map((e) => mask(e, "Unexpected error.")))).not.toMatch(/sk-live/);
  });

  it("its variable errors are BAD_USER_INPUT; graphql's own validation errors pass as they are", () => {
    const compiled = compileQuery(schema, parse(`query($n: Int) { count(n: $n) }`));
    if (!isCompiledQuery(compiled)) throw new Error("did not compile");
    const result = compiled.query({}, {}, { n: "many" }) as { errors: GraphQLError[] };
    const masked = mask(result.errors[0], "Unexpected error.") as GraphQLError;
    expect(masked.message).toMatch(/Variable "\$n" got invalid value "many"/);
    expect(masked.extensions).toEqual({ code: "BAD_USER_INPUT" });
    const validation = new GraphQLError("Cannot query field \"nope\" on type \"Query\".");
    expect(mask(validation, "Unexpected error.")).toBe(validation);
  });
});
