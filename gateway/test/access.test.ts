import { getNamedType, isLeafType, isObjectType, isUnionType, type GraphQLObjectType, type GraphQLSchema } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guardSchema } from "../src/access/guard.js";
import { ROLE_PERMISSIONS, VAULT_ROLES, type VaultRole } from "../src/access/permissions.js";
import { RULES } from "../src/access/rules.js";
import { buildSchema } from "../src/schema/index.js";
import { createTemplate } from "./keys-fixture.js";
import { startTestGateway, type TestGateway } from "./harness.js";

/**
 * Who may do what, walked as a matrix: every mutation and every vault-bound query of the schema ×
 * every role × the caller's own vault and another vault, plus no token, a revoked token and an
 * expired one. Goal: zero unauthorised successes. An operation the schema gains without a sample
 * call here fails the test, as one without an access rule fails the gateway's start.
 *
 * And a "no oracle" column: whatever a vault role's call answers — a typed error with all its
 * fields, a top-level error, a count — names nothing of the other vault (ids, names) that the call
 * did not itself send.
 */
interface Fixture { vault: string; keystore: string; template: string; key: string }
let t: TestGateway;
const own = {} as Fixture;
const other = {} as Fixture;
const tokens: Record<string, string> = {};
let victimTokenId: string;
let n = 0;
const uniq = () => `m${++n}`;

/** A call per mutation that changes nothing when it is allowed (stale versions, dry runs), aimed at `f`. */
const SAMPLES: Record<string, (f: Fixture) => Record<string, unknown>> = {
  createVault: () => ({ name: uniq() }),
  updateVault: (f) => ({ id: f.vault, expectedVersion: 999 }),
  deleteVault: (f) => ({ id: f.vault, expectedVersion: 999 }),
  createAccessToken: () => ({ name: uniq() }),
  revokeAccessToken: () => ({ id: "00000000-0000-4000-8000-000000000000" }),
  grantVaultRole: (f) => ({ tokenId: victimTokenId, vaultId: f.vault, role: "READER" }),
  revokeVaultRole: (f) => ({ tokenId: victimTokenId, vaultId: f.vault, role: "READER" }),
  connectKeystore: (f) => ({ vaultId: f.vault, name: uniq(), properties: { reference: { referenceInstance: uniq(), referenceApiKey: "reference-key-1" } } }),
  updateKeystore: (f) => ({ id: f.keystore, expectedVersion: 999 }),
  disconnectKeystore: (f) => ({ id: f.keystore, expectedVersion: 999 }),
  refreshKeystoreStatus: (f) => ({ id: f.keystore }),
  // The reference type has no repair action: refused with KeystoreRepairError, nothing changes.
  repairKeystore: (f) => ({ id: f.keystore }),
  testKeystoreConnection: (f) => ({ keystoreId: f.keystore }),
  createKeyTemplate: (f) => ({ vaultId: f.vault, name: uniq(), key: { algorithm: "AES", size: "256", initialState: "PRE_ACTIVATION" }, namingScheme: "x-<app>", targets: [{ keystoreType: "reference", keystoreGroup: "prod" }] }),
  updateKeyTemplate: (f) => ({ id: f.template, expectedVersion: 999 }),
  archiveKeyTemplate: (f) => ({ id: f.template, expectedVersion: 999 }),
  unarchiveKeyTemplate: (f) => ({ id: f.template, expectedVersion: 999 }),
  deleteKeyTemplate: (f) => ({ id: f.template, expectedVersion: 999 }),
  createManagedKey: (f) => ({ vaultId: f.vault, templateId: f.template, label: uniq(), namingValues: [{ name: "app", value: uniq() }] }),
  rotateManagedKey: (f) => ({ id: f.key, expectedVersion: 999 }),
  activateManagedKey: (f) => ({ id: f.key, expectedVersion: 999 }),
  deactivateManagedKey: (f) => ({ id: f.key, expectedVersion: 999 }),
  alignManagedKeyWithTemplate: (f) => ({ id: f.key, expectedVersion: 999, dryRun: true }),
  syncManagedKey: (f) => ({ id: f.key, dryRun: true }),
  destroyManagedKey: (f) => ({ id: f.key, expectedVersion: 999 }),
  deleteManagedKey: (f) => ({ id: f.key, expectedVersion: 999 }),
};
const SINGLE_QUERIES: Record<string, (f: Fixture) => Record<string, unknown>> = {
  vault: (f) => ({ id: f.vault }),
  keystore: (f) => ({ id: f.keystore }),
  keyTemplate: (f) => ({ id: f.template }),
  managedKey: (f) => ({ id: f.key }),
};
const LISTS = ["vaults", "keystores", "keyTemplates", "managedKeys"] as const;

/**
 * Calls that act in the caller's own vault but touch something of the other vault, so any error
 * that names the other vault's objects would show here: connecting the other vault's remote keystore.
 */
const ORACLE_PROBES: Record<string, (mine: Fixture) => Record<string, unknown>> = {
  connectKeystore: (mine) => ({ vaultId: mine.vault, name: uniq(), properties: { reference: { referenceInstance: "acc-other", referenceApiKey: "reference-key-1" } } }),
};

const inputType = (field: string) => `${field.charAt(0).toUpperCase()}${field.slice(1)}Input!`;
let schema: GraphQLSchema;
/** Every field of every typed error the mutation can answer, so nothing an error says goes unseen. */
function errorSelection(field: string): string {
  const union = getNamedType(schema.getMutationType()!.getFields()[field]!.type);
  if (!isUnionType(union)) return "__typename";
  const leaves = (type: GraphQLObjectType): string =>
    Object.values(type.getFields())
      .filter((f) => f.args.length === 0)
      .map((f) => {
        const named = getNamedType(f.type);
        return isLeafType(named) ? f.name : isObjectType(named) ? `${f.name} { ${Object.values(named.getFields()).filter((g) => isLeafType(getNamedType(g.type))).map((g) => g.name).join(" ")} }` : "";
      })
      .join(" ");
  const errors = union.getTypes().filter((m) => m.getInterfaces().some((i) => i.name === "Error"));
  return `__typename ${errors.map((m) => `... on ${m.name} { ${leaves(m)} }`).join(" ")}`;
}
const mutate = (token: string | null, field: string, input: Record<string, unknown>) =>
  t.gqlAs(token, `mutation($input: ${inputType(field)}) { ${field}(input: $input) { ${errorSelection(field)} } }`, { input });

/** What a response names of the other vault that its request did not send. */
function oracle(response: unknown, request: unknown): string[] {
  const said = JSON.stringify(response);
  const sent = JSON.stringify(request);
  const theirs = [other.vault, other.keystore, other.template, other.key, "vault-other", "ks-other", "tpl-other", "key-other"];
  return theirs.filter((x) => said.includes(x) && !sent.includes(x));
}

async function fixture(f: Fixture, name: string) {
  f.vault = (await t.gql(`mutation($n: String!) { createVault(input: { name: $n }) { ... on CreateVaultSuccess { vault { id } } } }`, { n: `vault-${name}` })).data.createVault.vault.id;
  f.keystore = (
    await t.gql(`mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { ... on ConnectKeystoreSuccess { keystore { id } } } }`, {
      input: { vaultId: f.vault, name: `ks-${name}`, groups: ["prod"], properties: { reference: { referenceInstance: `acc-${name}`, referenceApiKey: "reference-key-1" } } },
    })
  ).data.connectKeystore.keystore.id;
  f.template = await createTemplate(t, { vaultId: f.vault, name: `tpl-${name}`, type: "reference", group: "prod" });
  f.key = (
    await t.gql(`mutation($input: CreateManagedKeyInput!) { createManagedKey(input: $input) { ... on CreateManagedKeySuccess { managedKey { id } } } }`, {
      input: { vaultId: f.vault, templateId: f.template, label: `key-${name}`, namingValues: [{ name: "app", value: name }] },
    })
  ).data.createManagedKey.managedKey.id;
}

async function token(name: string, options: { roles?: { vaultId: string; role: VaultRole }[]; expiresAt?: string } = {}) {
  const r = await t.gql(`mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { ... on CreateAccessTokenSuccess { created { token accessToken { id } } } } }`, {
    input: { name, ...options },
  });
  return r.data.createAccessToken.created as { token: string; accessToken: { id: string } };
}

beforeAll(async () => {
  // Many refusals from one (socketless) source on purpose: not rate limited here (tested in security.test.ts).
  t = await startTestGateway("sqlite", { unauthenticatedRateLimitPerMinute: 0 });
  schema = buildSchema(t.gateway.services.registry);
  await fixture(own, "own");
  await fixture(other, "other");
  for (const role of VAULT_ROLES) tokens[role] = (await token(role.toLowerCase().replace(/_/g, "-"), { roles: [{ vaultId: own.vault, role }] })).token;
  tokens.ADMINISTRATOR = t.config.adminToken!;
  const revoked = await token("revoked", { roles: [{ vaultId: own.vault, role: "VAULT_ADMINISTRATOR" }] });
  await t.gql(`mutation($input: RevokeAccessTokenInput!) { revokeAccessToken(input: $input) { __typename } }`, { input: { id: revoked.accessToken.id } });
  tokens.revoked = revoked.token;
  const expired = await token("expired", { roles: [{ vaultId: own.vault, role: "VAULT_ADMINISTRATOR" }], expiresAt: new Date(Date.now() + 60_000).toISOString() });
  await t.gateway.database.db.accessToken.update({ where: { id: expired.accessToken.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
  tokens.expired = expired.token;
  victimTokenId = (await token("victim")).accessToken.id;
});
afterAll(() => t?.close());

describe("access control", () => {
  it("every root field of the schema has an access rule and a sample call here", () => {
    const schema = buildSchema(t.gateway.services.registry);
    for (const root of ["Query", "Mutation", "Subscription"] as const) {
      const type = schema.getType(root);
      if (!type || !isObjectType(type)) continue;
      for (const name of Object.keys(type.getFields())) {
        expect(RULES[root][name], `${root}.${name} has no rule`).toBeDefined();
        if (root === "Mutation") expect(SAMPLES[name], `Mutation.${name} has no sample call in access.test.ts`).toBeDefined();
      }
    }
    // And the gateway refuses to start with a field that has none.
    const withStray = buildSchema(t.gateway.services.registry);
    const mutation = withStray.getMutationType()!;
    (mutation.getFields() as Record<string, unknown>).strayMutation = { ...mutation.getFields().createVault!, name: "strayMutation" };
    expect(() => guardSchema(withStray)).toThrow(/Mutation.strayMutation has no access rule/);
  });

  it("refuses every operation without a valid token: none, garbage, unknown, revoked, expired", async () => {
    for (const bad of [null, "not a token", "uko_unknown0000000000000000000000000000000", tokens.revoked!, tokens.expired!]) {
      for (const field of Object.keys(SAMPLES)) {
        const r = await mutate(bad, field, SAMPLES[field]!(own));
        expect(r.status, `${field} with ${bad}`).toBe(401);
        expect(r.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      }
      const q = await t.gqlAs(bad, `{ vaults { totalCount } }`);
      expect(q.status).toBe(401);
    }
    // Counted, and written once per source, reason and token per interval (here: now).
    await t.gateway.refusals.flush();
    const failures = await t.gateway.database.db.auditEvent.findMany({ where: { action: "auth.authenticate" } });
    const perCall = Object.keys(SAMPLES).length + 1;
    expect(failures.map((e) => e.reason).sort()).toEqual(["EXPIRED", "MALFORMED", "MISSING", "REVOKED", "UNKNOWN"].map((r) => `${r} x${perCall}`));
    expect(failures.find((e) => e.reason?.startsWith("REVOKED"))?.actorName).toBe("revoked");
  });

  for (const caller of [...VAULT_ROLES, "ADMINISTRATOR"] as const) {
    it(`${caller}: allowed exactly what its role allows in its vault, and nothing at all in another`, async () => {
      const granted = caller === "ADMINISTRATOR" ? null : new Set<string>(ROLE_PERMISSIONS[caller]);
      const token = tokens[caller]!;
      for (const [field, sample] of Object.entries(SAMPLES)) {
        const rule = RULES.Mutation[field]!;
        const permitted = granted === null || (rule.permission !== "administrator" && granted.has(rule.permission));
        for (const [where, f] of [["own", own], ["other", other]] as const) {
          const input = sample(f);
          const r = await mutate(token, field, input);
          if (granted !== null) expect(oracle(r, input), `${caller} ${field} in ${where} vault names the other vault's objects`).toEqual([]);
          const forbidden = r.errors?.[0]?.extensions?.code === "FORBIDDEN";
          const hidden = r.data?.[field]?.__typename === "NotFoundError" && rule.vault !== undefined;
          const denied = forbidden || hidden;
          if (where === "own" || rule.permission === "administrator") {
            expect(denied, `${caller} ${field} in ${where} vault`).toBe(!permitted);
          } else if (granted !== null) {
            // Another vault: denied, and as if it did not exist.
            expect(hidden, `${caller} ${field} in another vault must look like a missing object`).toBe(true);
          }
          if (!denied) expect(r.status).toBe(200);
        }
      }
      if (granted !== null) {
        for (const [field, probe] of Object.entries(ORACLE_PROBES)) {
          const input = probe(own);
          const r = await mutate(token, field, input);
          expect(r.status).toBe(200);
          expect(oracle(r, input), `${caller} ${field} probing the other vault: ${JSON.stringify(r.data)}`).toEqual([]);
        }
      }
      // Counting would be an oracle: the cost estimate reads no keystores, so every caller gets the administrator's answer.
      const ESTIMATE = `{ keystoreCostEstimate(input: { type: "reference", country: "DE" }) { ... on KeystoreCostEstimateSuccess { estimate { explanation estimatedMonthlyTotal { amount } lineItems { kind } } } } }`;
      const estimate = await t.gqlAs(token, ESTIMATE);
      expect(estimate.data.keystoreCostEstimate.estimate?.explanation, `${caller} gets an estimate`).toMatch(/declares no prices/);
      expect(estimate.data.keystoreCostEstimate.estimate, `${caller} gets the same estimate`).toEqual((await t.gql(ESTIMATE)).data.keystoreCostEstimate.estimate);
      for (const [field, args] of Object.entries(SINGLE_QUERIES)) {
        const mine = await t.gqlAs(token, `query($id: ID!) { ${field}(id: $id) { id } }`, args(own));
        const theirs = await t.gqlAs(token, `query($id: ID!) { ${field}(id: $id) { id } }`, args(other));
        if (granted !== null) expect(oracle(theirs, args(other)), `${caller} ${field}`).toEqual([]);
        expect(mine.data[field], `${caller} reads its ${field}`).not.toBeNull();
        expect(theirs.data[field] === null, `${caller} reads another vault's ${field}`).toBe(granted !== null);
      }
      for (const list of LISTS) {
        const page = await t.gqlAs(token, `{ ${list}(first: 100) { totalCount nodes { id } } }`);
        const ids = page.data[list].nodes.map((x: { id: string }) => x.id);
        const othersIds = [other.vault, other.keystore, other.template, other.key];
        expect(ids.some((id: string) => othersIds.includes(id)), `${caller} lists another vault's ${list}`).toBe(granted === null);
        expect(page.data[list].totalCount).toBe(ids.length);
      }
      const tokensList = await t.gqlAs(token, `{ accessTokens { id } }`);
      expect(tokensList.errors?.[0]?.extensions?.code === "FORBIDDEN").toBe(granted !== null);
    });
  }

  it("says who you are", async () => {
    const me = (await t.gqlAs(tokens.KEY_CUSTODIAN_DEPLOYER!, `{ me { name administrator roles { role vault { id } } } }`)).data.me;
    expect(me).toEqual({ name: "key-custodian-deployer", administrator: false, roles: [{ role: "KEY_CUSTODIAN_DEPLOYER", vault: { id: own.vault } }] });
  });

  it("a key in another vault is indistinguishable from one that does not exist", async () => {
    const probe = (id: string) => mutate(tokens.KEY_CUSTODIAN_DEPLOYER!, "activateManagedKey", { id, expectedVersion: 1 });
    const theirs = await probe(other.key);
    const nobody = await probe("00000000-0000-4000-8000-000000000000");
    expect(theirs.data.activateManagedKey).toMatchObject({ __typename: "NotFoundError", code: "NOT_FOUND", id: other.key });
    // The same answer but for the id each call sent.
    expect(JSON.stringify(nobody.data).replaceAll("00000000-0000-4000-8000-000000000000", other.key)).toEqual(JSON.stringify(theirs.data));
  });

  it("subscriptions too: a vault's events only for those who can read it", async () => {
    const open = async (token: string, vaultId: string) => {
      const controller = new AbortController();
      const body = JSON.stringify({ query: `subscription($v: ID!) { managedKeyChanged(vaultId: $v) { id } }`, variables: { v: vaultId } });
      const response = await t.gateway.yoga.fetch("http://localhost/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${token}`, "content-length": String(Buffer.byteLength(body)) },
        body,
        signal: controller.signal,
      });
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      const first = await Promise.race([reader.read().then((c) => c.value ?? ""), new Promise<string>((r) => setTimeout(() => r(""), 300))]);
      controller.abort();
      return first;
    };
    // Refused at once with an error event; allowed ones stay open, waiting for events.
    expect(await open(tokens.READER!, other.vault)).toMatch(/"code":"NOT_FOUND"/);
    expect(await open(tokens.READER!, own.vault)).not.toMatch(/errors/);
  });
});
