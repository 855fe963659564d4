import fc from "fast-check";
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCursor } from "../src/db/paginate.js";
import { buildSchema } from "../src/schema/index.js";
import { createTemplate } from "./keys-fixture.js";
import { providers, startTestGateway, type TestGateway } from "./harness.js";

/**
 * Property-based: arguments for every query and mutation, generated from the schema itself
 * (walking each root field's arguments and input types), valid-ish and hostile — huge strings, NUL,
 * bidirectional overrides, unicode, negative and out-of-range ints, unknown enum values, random ids
 * and forged cursors. Whatever comes in, no answer is a masked INTERNAL_SERVER_ERROR (an input
 * mistake is the caller's, and says so), and a mutation that fails leaves every table's row count
 * as it was. Seeded and bounded: RUNS per root field per database.
 */
const RUNS = 4;
const SEED = 20261130;

type Ids = { vault: string; keystore: string; template: string; key: string; cursor: string };

describe.each(await providers())("hostile arguments on %s", (provider) => {
  let t: TestGateway;
  let schema: GraphQLSchema;
  const ids = {} as Ids;

  beforeAll(async () => {
    t = await startTestGateway(provider, { rateLimitPerMinute: 0 });
    schema = buildSchema(t.gateway.services.registry);
    ids.vault = (await t.gql(`mutation { createVault(input: { name: "fuzzed" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault.id;
    ids.keystore = (
      await t.gql(`mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { ... on ConnectKeystoreSuccess { keystore { id } } } }`, {
        input: { vaultId: ids.vault, name: "fuzzed-ks", groups: ["prod"], properties: { reference: { referenceInstance: "fuzzed", referenceApiKey: "reference-key-1" } } },
      })
    ).data.connectKeystore.keystore.id;
    ids.template = await createTemplate(t, { vaultId: ids.vault, name: "fuzzed-tpl", type: "reference", group: "prod" });
    ids.key = (
      await t.gql(`mutation($input: CreateManagedKeyInput!) { createManagedKey(input: $input) { ... on CreateManagedKeySuccess { managedKey { id } } } }`, {
        input: { vaultId: ids.vault, templateId: ids.template, label: "fuzzed-key", namingValues: [{ name: "app", value: "fuzz" }] },
      })
    ).data.createManagedKey.managedKey.id;
    ids.cursor = encodeCursor("fuzzed", ids.vault);
  });
  afterAll(() => t?.close());

  const counts = async () => {
    const db = t.gateway.database.db;
    return Promise.all([
      db.vault.count(),
      db.keystore.count(),
      db.keystoreGroup.count(),
      db.keyTemplate.count(),
      db.managedKey.count(),
      db.managedKeyVersion.count(),
      db.keyInstance.count(),
      db.accessToken.count(),
      db.vaultRoleBinding.count(),
      db.setting.count(),
    ]);
  };

  /** The inputs the outside probe reported as internal errors: each is now the caller's error, named. */
  const KNOWN: [string, string, Record<string, unknown>, Record<string, unknown>][] = [
    ["a negative page size", `query($f: Int) { keystores(first: $f) { totalCount } }`, { f: -1 }, { code: "BAD_USER_INPUT", reason: "VALIDATION_FAILED", issues: [expect.objectContaining({ path: ["first"], code: "OUT_OF_RANGE" })] }],
    ["a page size over 100", `query($f: Int) { managedKeys(first: $f) { totalCount } }`, { f: 101 }, { code: "BAD_USER_INPUT" }],
    ["a cursor that is not one", `query($a: String) { vaults(after: $a) { totalCount } }`, { a: "not-a-cursor" }, { code: "BAD_USER_INPUT", issues: [expect.objectContaining({ code: "INVALID_CURSOR" })] }],
    ["a forged cursor with a NUL", `query($a: String) { vaults(after: $a) { nodes { id } } }`, { a: Buffer.from(JSON.stringify({ v: "\u0000", id: "00000000-0000-4000-8000-000000000000" })).toString("base64url") }, { code: "BAD_USER_INPUT" }],
    ["a forged cursor with a bad date", `query($a: String) { keystores(after: $a, orderBy: { field: CREATED_AT }) { nodes { id } } }`, { a: Buffer.from(JSON.stringify({ v: "yesterday", id: "00000000-0000-4000-8000-000000000000", d: 1 })).toString("base64url") }, { code: "BAD_USER_INPUT" }],
    ["another order's cursor", `query($a: String) { managedKeys(after: $a, orderBy: { field: CREATED_AT }) { nodes { id } } }`, { a: encodeCursor("fuzzed-key", "00000000-0000-4000-8000-000000000000") }, { code: "BAD_USER_INPUT" }],
    ["an unknown enum value in a filter", `query($h: KeystoreHealth) { keystores(filter: { health: $h }) { totalCount } }`, { h: "BOGUS" }, { code: "BAD_USER_INPUT" }],
    ["an unknown algorithm in a filter", `query($a: String) { managedKeys(filter: { algorithm: $a }) { totalCount } }`, { a: "des" }, { code: "BAD_USER_INPUT", issues: [expect.objectContaining({ path: ["filter", "algorithm"], code: "ENUM" })] }],
    ["an oversized namePrefix", `query($p: String) { keystores(filter: { namePrefix: $p }) { totalCount } }`, { p: "x".repeat(60_000) }, { code: "BAD_USER_INPUT", issues: [expect.objectContaining({ path: ["filter", "namePrefix"], code: "TOO_LONG" })] }],
    ["a NUL in a filter", `query($p: String) { vaults(filter: { namePrefix: $p }) { totalCount } }`, { p: "a\u0000" }, { code: "BAD_USER_INPUT", issues: [expect.objectContaining({ code: "INVALID_CHARACTERS" })] }],
  ];
  for (const [what, query, variables, extensions] of KNOWN) {
    it(`${what}: a client error that says so`, async () => {
      const r = await t.gqlAs(t.config.adminToken!, query, variables);
      // 400 for variables that do not fit their types (GraphQL over HTTP), 200 for the rest.
      expect([200, 400]).toContain(r.status);
      expect(r.errors?.[0]?.extensions).toMatchObject(extensions);
    });
  }

  it("a NUL in a mutation's text: a ValidationError naming the field, and nothing written", async () => {
    const before = await counts();
    const r = await t.gqlAs(t.config.adminToken!, `mutation($i: CreateVaultInput!) { createVault(input: $i) { __typename ... on ValidationError { issues { path code } } } }`, { i: { name: "nul", description: "a\u0000b" } });
    expect(r.data.createVault).toEqual({ __typename: "ValidationError", issues: [{ path: ["input", "description"], code: "INVALID_CHARACTERS" }] });
    expect(await counts()).toEqual(before);
  });

  it("createManagedKey racing for one label: one key, the others DuplicateNameError", async () => {
    const create = () =>
      t.gqlAs(t.config.adminToken!, `mutation($i: CreateManagedKeyInput!) { createManagedKey(input: $i) { __typename } }`, {
        i: { vaultId: ids.vault, templateId: ids.template, label: "raced", namingValues: [{ name: "app", value: "race" }] },
      });
    const results = await Promise.all(Array.from({ length: 6 }, create));
    expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
    const kinds = results.map((r) => r.data.createManagedKey.__typename).sort();
    expect(kinds).toEqual(["CreateManagedKeySuccess", ...Array(5).fill("DuplicateNameError")]);
  });

  for (const root of ["Query", "Mutation"] as const) {
    it(`${root}: no masked internal error${root === "Mutation" ? ", and no partial write" : ""}, for any arguments`, { timeout: 120_000 }, async () => {
      const type = root === "Query" ? schema.getQueryType()! : schema.getMutationType()!;
      for (const [i, field] of Object.values(type.getFields()).entries()) {
        const { document, args } = operation(root, field);
        await fc.assert(
          fc.asyncProperty(args(ids), async (variables) => {
            const before = root === "Mutation" ? await counts() : undefined;
            const r = await t.gqlAs(t.config.adminToken!, document, variables);
            const codes = (r.errors ?? []).map((e) => e.extensions?.code);
            const masked = (r.errors ?? []).find((e) => e.extensions?.code === "INTERNAL_SERVER_ERROR");
            // The log line with the same error id says what really went wrong.
            const cause = masked && t.logs.find((l) => l.includes(String(masked.extensions?.errorId)) && l.includes('"err"'))?.slice(0, 800);
            expect(codes, `${field.name}(${JSON.stringify(variables).slice(0, 300)}): ${cause}`).not.toContain("INTERNAL_SERVER_ERROR");
            expect(r.status, field.name).toBeLessThan(500);
            if (before) {
              const answer = r.data?.[field.name] as { __typename?: string } | null | undefined;
              const failed = !answer || (r.errors?.length ?? 0) > 0 || isError(answer.__typename);
              if (failed) expect(await counts(), `${field.name} failed (${answer?.__typename ?? codes.join(",")}) yet changed rows`).toEqual(before);
            }
          }),
          { numRuns: RUNS, seed: SEED + i, endOnFailure: true },
        );
      }
    });
  }

  /** The result union's members that are errors (they implement Error). */
  function isError(typename: string | undefined): boolean {
    const named = typename ? schema.getType(typename) : undefined;
    return isObjectType(named) && named.getInterfaces().some((i) => i.name === "Error");
  }

  /** A document calling the field with every argument as a variable, selecting what it answers. */
  function operation(root: "Query" | "Mutation", field: GraphQLField<unknown, unknown>) {
    const vars = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(", ");
    const call = field.args.length ? `${field.name}(${field.args.map((a) => `${a.name}: $${a.name}`).join(", ")})` : field.name;
    const document = `${root === "Query" ? "query" : "mutation"}${vars ? `(${vars})` : ""} { ${call} ${selection(field.type, 2)} }`;
    const args = (known: Ids) =>
      fc.record(Object.fromEntries(field.args.map((a) => [a.name, input(a.type, a.name, known)])), { requiredKeys: [] }).map((v) => JSON.parse(JSON.stringify(v)) as Record<string, unknown>);
    return { document, args };
  }

  /** Every leaf field, and object fields down to `depth`, so lazy resolvers (totalCount, nodes) run too. */
  function selection(type: GraphQLOutputType, depth: number): string {
    const named = getNamedType(type);
    if (isLeafType(named)) return "";
    if (isUnionType(named) || isInterfaceType(named)) {
      return `{ __typename ${schema.getPossibleTypes(named).map((m) => `... on ${m.name} ${selection(m, depth)}`).join(" ")} }`;
    }
    if (!isObjectType(named)) return "";
    const fields = Object.values(named.getFields())
      .filter((f) => f.args.every((a) => !isNonNullType(a.type)))
      .flatMap((f) => (isLeafType(getNamedType(f.type)) ? [f.name] : depth > 0 ? [`${f.name} ${selection(f.type, depth - 1)}`] : []));
    return `{ __typename ${fields.join(" ")} }`;
  }

  function input(type: GraphQLInputType, name: string, known: Ids): fc.Arbitrary<unknown> {
    if (isNonNullType(type)) return required(type.ofType, name, known);
    return fc.oneof({ arbitrary: fc.constant(undefined), weight: 1 }, { arbitrary: fc.constant(null), weight: 1 }, { arbitrary: required(type, name, known), weight: 4 });
  }

  function required(type: GraphQLInputType, name: string, known: Ids): fc.Arbitrary<unknown> {
    if (isNonNullType(type)) return required(type.ofType, name, known);
    if (isListType(type)) return fc.array(input(type.ofType, name, known), { maxLength: 3 });
    if (isEnumType(type)) return fc.oneof(fc.constantFrom(...type.getValues().map((v) => v.name)), text(known));
    if (isInputObjectType(type)) {
      // Never the AWS connector's properties: a generated region would send it to the real AWS.
      const fields = Object.values(type.getFields()).filter((f) => !f.name.startsWith("aws"));
      if (type.isOneOf) return fc.oneof(...fields.map((f) => required(f.type, f.name, known).map((v) => ({ [f.name]: v }))));
      return fc.record(Object.fromEntries(fields.map((f) => [f.name, input(f.type, f.name, known)])), { requiredKeys: [] });
    }
    if (isScalarType(type)) {
      switch (type.name) {
        case "ID":
          return fc.oneof(fc.constantFrom(known.vault, known.keystore, known.template, known.key), fc.uuid(), text(known));
        case "Int":
          return fc.oneof(fc.integer({ min: -2, max: 120 }), fc.constantFrom(-1, 0, 1, 101, 999, 2_147_483_647, -2_147_483_648, 2 ** 40));
        case "Float":
          return fc.double();
        case "Boolean":
          return fc.boolean();
        case "DateTime":
          return fc.oneof(fc.date({ min: new Date("1970-01-01"), max: new Date("2200-01-01"), noInvalidDate: true }).map((d) => d.toISOString()), text(known));
        default:
          return text(known);
      }
    }
    throw new Error(`no generator for ${String(type)} (${name})`);
  }

  function text(known: Ids): fc.Arbitrary<string> {
    return fc.oneof(
      fc.stringMatching(/^[a-z][a-z0-9-]{1,20}$/),
      fc.string({ unit: "grapheme", maxLength: 30 }),
      fc.string({ unit: "binary", maxLength: 30 }),
      fc.constantFrom(
        "",
        " ",
        "\u0000",
        "fuzzed\u0000",
        "\u202Eevil\u202C",
        "%_%",
        "'; DROP TABLE \"Vault\"; --",
        "x".repeat(300),
        "y".repeat(60_000),
        "reference",
        "prod",
        "DE",
        "aes",
        "fuzzed",
        "fuzzed-ks",
        known.cursor,
      ),
      // Forged cursors: base64url of arbitrary JSON, and of a cursor's shape with hostile parts.
      fc.json().map((j) => Buffer.from(j).toString("base64url")),
      fc.record({ v: fc.oneof(fc.string(), fc.integer(), fc.constant("\u0000")), id: fc.oneof(fc.uuid(), fc.string()), d: fc.constantFrom(1, undefined) }).map((c) => Buffer.from(JSON.stringify(c)).toString("base64url")),
    );
  }
});
