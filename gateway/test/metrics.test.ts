import { randomBytes } from "node:crypto";
import { startAwsKmsEmulator, type AwsKmsEmulator } from "@uko/connector-aws-kms/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { connectorOutcomeLabel, OperationNames } from "../src/metrics/labels.js";
import { serveMetrics } from "../src/metrics/listener.js";
import { postgresUnavailable, seedKeystores, seedManagedKeys, startTestGateway, type TestGateway } from "./harness.js";
import { CREATE_KEY, createTemplate, lifecycle } from "./keys-fixture.js";

/**
 * /metrics after real work: a keystore connected in the AWS KMS emulator, a key activated in it,
 * a throttled connection test, refused and rate-limited requests, background rounds. Then the
 * page must hold every family, be closed to anyone without the metrics token, carry no secret or
 * identifier, and keep every label within a small closed set.
 */
const ACCOUNT = { accessKeyId: "EMUKMETRICSACCOUNT01", secretAccessKey: "metrics/Canary+Secret000000000000000001", accountId: "333333333333", userName: "uko-metrics" };
const CONNECT = `mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { ... on ConnectKeystoreSuccess { keystore { id status { health } } } ... on Error { message } } }`;
const METRICS_TOKEN = `metrics-${randomBytes(20).toString("hex")}`;

/** Every family docs/operations.md describes. */
const FAMILIES = [
  "uko_graphql_requests_total",
  "uko_graphql_request_duration_seconds",
  "uko_rate_limited_requests_total",
  "uko_authentication_refused_total",
  "uko_connector_calls_total",
  "uko_connector_call_duration_seconds",
  "uko_connector_throttled_total",
  "uko_keystores",
  "uko_keystores_unresponsive_seconds",
  "uko_managed_keys",
  "uko_key_instances",
  "uko_key_installs_pending",
  "uko_key_installs_pending_oldest_seconds",
  "uko_drift_found_total",
  "uko_background_rounds_total",
  "uko_background_round_duration_seconds",
  "uko_background_round_items",
  "uko_background_item_failures_total",
  "uko_background_round_last_success_timestamp_seconds",
  "uko_audit_writes_total",
  "uko_audit_write_duration_seconds",
  "uko_audit_chain_head_age_seconds",
  "nodejs_eventloop_lag_seconds",
  "nodejs_heap_size_used_bytes",
  "process_resident_memory_bytes",
];

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);

describe("metrics", () => {
  let t: TestGateway;
  let limited: TestGateway;
  let emulator: AwsKmsEmulator;
  let keystoreId: string;
  let vaultId: string;
  const identifiers: string[] = [];

  const scrape = async (token: string | null = METRICS_TOKEN) => t.fetch("/metrics", token === null ? {} : { headers: { authorization: `Bearer ${token}` } });
  const samples = async () => parse(await (await scrape()).text());

  beforeAll(async () => {
    emulator = await startAwsKmsEmulator({ region: "eu-west-1", identities: [ACCOUNT], wrappingKeyBits: { RSA_3072: true } });
    t = await startTestGateway("sqlite", { metricsToken: METRICS_TOKEN, connectorTimeoutMs: 10_000, healthIntervalSeconds: 1, keySyncIntervalSeconds: 1 });
    vaultId = (await t.gql(`mutation { createVault(input: { name: "metrics" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault.id;
    const connected = await t.gql(CONNECT, {
      input: { vaultId, name: "aws-metrics-canary-keystore", groups: ["prod"], properties: { awsKms: { awsRegion: "eu-west-1", awsAccessKeyId: ACCOUNT.accessKeyId, awsSecretAccessKey: ACCOUNT.secretAccessKey, awsEndpoint: emulator.endpoint } } },
    });
    keystoreId = connected.data.connectKeystore.keystore.id;
    const templateId = await createTemplate(t, { vaultId, name: "metrics-template", type: "aws_kms", group: "prod", namingScheme: "uko/<app>" });
    const key = (await t.gql(CREATE_KEY, { input: { vaultId, templateId, label: "canary-key-label", namingValues: [{ name: "app", value: "canarykeyname" }] } })).data.createManagedKey.managedKey;
    const active = (await t.gql(lifecycle("activate"), { input: { id: key.id, expectedVersion: key.version } })).data.activateManagedKey.managedKey;
    expect(active.state).toBe("ACTIVE");
    identifiers.push(vaultId, keystoreId, key.id, templateId, ...active.statusInKeystores.map((s: { keyIdInKeystore: string }) => s.keyIdInKeystore));

    // A keystore that refuses for rate: the connection test ends THROTTLED.
    emulator.faults.inject({ kind: "throttle" });
    await t.gql(`mutation($input: TestKeystoreConnectionInput!) { testKeystoreConnection(input: $input) { __typename } }`, { input: { keystoreId } });
    emulator.faults.clear();

    // Refused: no token, and a wrong one.
    expect((await t.gqlAs(null, `{ vaults { totalCount } }`)).status).toBe(401);
    expect((await t.gqlAs("not-a-token-at-all-but-long-enough-000000", `{ vaults { totalCount } }`)).status).toBe(401);
    // Rate limited: a second gateway allowing one request a minute (request counters are per process).
    limited = await startTestGateway("sqlite", { rateLimitPerMinute: 1 });
    await limited.gqlAs(limited.config.adminToken!, `{ vaults { totalCount } }`);
    expect((await limited.gqlAs(limited.config.adminToken!, `{ vaults { totalCount } }`)).status).toBe(429);

    // Named operations, and more distinct names than the cap allows.
    await t.gql(`query ListVaultsForMetrics { vaults { totalCount } }`);
    for (let i = 0; i < 120; i++) await t.gql(`query Flood${i} { vaults { totalCount } }`);

    // A health round and a sync round (1 s intervals) have run.
    t.gateway.healthChecker.start();
    t.gateway.keySync.start();
    const roundsRan = async () => {
      const s = await samples();
      return value(s, "uko_background_rounds_total", { job: "health", outcome: "ok" }) > 0 && value(s, "uko_background_rounds_total", { job: "sync", outcome: "ok" }) > 0;
    };
    for (let waited = 0; !(await roundsRan()); waited += 250) {
      if (waited > 20_000) throw new Error("no health and sync round within 20 s");
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await t.gateway.healthChecker.stop();
    await t.gateway.keySync.stop();
    // The database gauges are cached for 5 s: let the last scrape's snapshot (taken while the
    // throttled keystore was still marked NOT_RESPONDING) expire.
    await new Promise((resolve) => setTimeout(resolve, 5_100));
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await limited?.close();
    await emulator?.close();
  });

  it("is closed without the metrics token: none, a wrong one, and the administrator's API token are refused", async () => {
    for (const token of [null, "wrong-token", t.config.adminToken!]) {
      const response = await scrape(token);
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain("uko_");
    }
  });

  it("is not served on the API's port without a metrics token", async () => {
    const response = await limited.fetch("/metrics", { headers: { authorization: `Bearer ${limited.config.adminToken}` } });
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain("uko_");
  });

  it("holds every family, in Prometheus text format", async () => {
    const response = await scrape();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    for (const family of FAMILIES) expect(text, family).toMatch(new RegExp(`^# TYPE ${family} `, "m"));
    expect(() => parse(text)).not.toThrow();
  });

  it("counts what happened: the activation, the throttle, refused and limited requests, the keystore, the key, rounds, audit writes", async () => {
    const s = await samples();
    expect(value(s, "uko_connector_calls_total", { type: "aws_kms", operation: "connect", outcome: "OK" })).toBeGreaterThanOrEqual(1);
    expect(value(s, "uko_connector_calls_total", { type: "aws_kms", operation: "push", outcome: "OK" })).toBeGreaterThanOrEqual(1);
    expect(value(s, "uko_connector_calls_total", { type: "aws_kms", operation: "test", outcome: "THROTTLED" })).toBeGreaterThanOrEqual(1);
    expect(value(s, "uko_connector_throttled_total", { type: "aws_kms" })).toBeGreaterThanOrEqual(1);
    expect(value(s, "uko_connector_call_duration_seconds_count", { type: "aws_kms", operation: "push" })).toBeGreaterThanOrEqual(1);
    expect(value(s, "uko_graphql_requests_total", { operation: "ListVaultsForMetrics", type: "query", outcome: "ok" })).toBe(1);
    expect(value(s, "uko_graphql_requests_total", { operation: "anonymous", type: "mutation", outcome: "ok" })).toBeGreaterThanOrEqual(4);
    expect(value(s, "uko_graphql_requests_total", { operation: "unknown", outcome: "unauthenticated" })).toBeGreaterThanOrEqual(2);
    expect(value(s, "uko_authentication_refused_total")).toBeGreaterThanOrEqual(2);
    expect(value(s, "uko_rate_limited_requests_total")).toBeGreaterThanOrEqual(1);
    expect(value(s, "uko_graphql_request_duration_seconds_count", { operation: "ListVaultsForMetrics" })).toBe(1);
    expect(value(s, "uko_keystores", { type: "aws_kms", health: "OK" })).toBe(1);
    expect(value(s, "uko_keystores", { type: "aws_kms", health: "NOT_RESPONDING" })).toBe(0);
    expect(value(s, "uko_managed_keys", { state: "ACTIVE" })).toBe(1);
    expect(value(s, "uko_key_instances", { sync_flag: "OK" })).toBe(1);
    expect(value(s, "uko_key_installs_pending")).toBe(0);
    expect(value(s, "uko_audit_writes_total", { outcome: "ok" })).toBeGreaterThanOrEqual(5);
    expect(value(s, "uko_audit_chain_head_age_seconds")).toBeGreaterThanOrEqual(0);
    expect(value(s, "uko_audit_chain_head_age_seconds")).toBeLessThan(120);
    expect(value(s, "uko_background_rounds_total", { job: "resume", outcome: "ok" })).toBeGreaterThanOrEqual(1);
    expect(value(s, "uko_background_round_items", { job: "health" })).toBe(1);
    expect(value(s, "uko_background_round_items", { job: "sync" })).toBe(1);
    expect(value(s, "process_resident_memory_bytes")).toBeGreaterThan(0);
  });

  it("reads the database at most once per burst of scrapes", async () => {
    const before = t.gateway.database.statements.count;
    await scrape();
    await scrape();
    // The first scrape may read (the cache is 5 s); the second in the same burst never does.
    const afterTwo = t.gateway.database.statements.count - before;
    expect(afterTwo).toBeLessThanOrEqual(6);
  });

  it("carries no secret, token, identifier or name", async () => {
    const text = await (await scrape()).text();
    const canaries = [ACCOUNT.secretAccessKey, ACCOUNT.accessKeyId, t.config.adminToken!, METRICS_TOKEN, t.config.rootKey!, "aws-metrics-canary-keystore", "canary-key-label", "canarykeyname", "metrics-template", ...identifiers];
    for (const canary of canaries) expect(text, canary).not.toContain(canary);
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    for (const log of t.logs) expect(log).not.toContain(METRICS_TOKEN);
  });

  it("keeps every label in a small closed set, whatever names clients send", async () => {
    const s = await samples();
    const values = new Map<string, Set<string>>();
    for (const sample of s.filter((x) => x.name.startsWith("uko_"))) {
      for (const [k, v] of Object.entries(sample.labels)) values.set(k, (values.get(k) ?? new Set()).add(v));
    }
    expect([...values.keys()].sort()).toEqual(["health", "job", "le", "operation", "outcome", "state", "sync_flag", "type"]);
    // 121 distinct names were sent; at most 100 are kept, the rest are "other".
    const operations = new Set(s.filter((x) => x.name === "uko_graphql_requests_total").map((x) => x.labels.operation!));
    expect(operations.size).toBeLessThanOrEqual(103);
    expect(operations).toContain("other");
    for (const [label, set] of values) {
      expect(set.size, label).toBeLessThanOrEqual(label === "operation" ? 110 : 20);
      for (const v of set) expect(v, label).toMatch(/^[A-Za-z0-9_.+]{1,64}$/);
    }
  });

  it("folds what is not a plain name: operation names past the cap or with odd characters, unknown connector outcomes", () => {
    const names = new OperationNames(2);
    expect([names.label("a"), names.label("b"), names.label("c"), names.label("a"), names.label(undefined), names.label("x y"), names.label("é")]).toEqual(["a", "b", "other", "a", "anonymous", "other", "other"]);
    expect(connectorOutcomeLabel("UNAVAILABLE")).toBe("UNAVAILABLE");
    expect(connectorOutcomeLabel("THROTTLED")).toBe("THROTTLED");
    expect(connectorOutcomeLabel("The key secret-123 was refused")).toBe("OTHER");
  });

  it("serves a separate metrics address: only GET /metrics, open there unless a token is set too", async () => {
    for (const tokenRequired of [false, true]) {
      const server = await serveMetrics(t.gateway.metrics, { host: "127.0.0.1", port: 0 }, tokenRequired);
      try {
        const address = server.address() as { port: number };
        const base = `http://127.0.0.1:${address.port}`;
        expect((await fetch(`${base}/graphql`)).status).toBe(404);
        const open = await fetch(`${base}/metrics`);
        expect(open.status).toBe(tokenRequired ? 401 : 200);
        const withToken = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
        expect(withToken.status).toBe(200);
        expect(await withToken.text()).toContain("uko_managed_keys");
        if (!tokenRequired) expect(await open.text()).toContain("uko_keystores");
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    }
  });

  it("reads its settings from the environment, refusing bad ones by name", () => {
    const config = loadConfig({ UKO_METRICS_TOKEN: "m".repeat(40), UKO_METRICS_ADDRESS: "127.0.0.1:9464" });
    expect(config.metricsToken).toBe("m".repeat(40));
    expect(config.metricsAddress).toEqual({ host: "127.0.0.1", port: 9464 });
    expect(loadConfig({ UKO_METRICS_ADDRESS: "[::1]:9464" }).metricsAddress).toEqual({ host: "::1", port: 9464 });
    expect(loadConfig({}).metricsAddress).toBeUndefined();
    expect(() => loadConfig({ UKO_METRICS_TOKEN: "short" })).toThrow(/UKO_METRICS_TOKEN/);
    expect(() => loadConfig({ UKO_METRICS_ADDRESS: "9464" })).toThrow(/UKO_METRICS_ADDRESS/);
    expect(() => loadConfig({ UKO_METRICS_ADDRESS: "127.0.0.1:70000" })).toThrow(/UKO_METRICS_ADDRESS/);
  });
});

const pgUnavailable = await postgresUnavailable();
describe.skipIf(pgUnavailable !== undefined)("metrics on PostgreSQL: the database gauges", () => {
  it("reads keystores, keys, copies, pending changes and the audit head from PostgreSQL", async () => {
    const t = await startTestGateway("postgresql", { metricsToken: METRICS_TOKEN });
    try {
      const db = t.gateway.database.db;
      await seedKeystores(db, 1, 3);
      const [vault] = await db.vault.findMany();
      const keystores = await db.keystore.findMany({ select: { id: true, name: true } });
      await seedManagedKeys(db, vault!.id, keystores, 4);
      await db.keystore.update({ where: { id: keystores[0]!.id }, data: { health: "NOT_RESPONDING", lastHeartbeat: new Date(Date.now() - 20 * 60_000) } });
      await db.keyInstance.updateMany({ where: { keystoreId: keystores[1]!.id }, data: { pendingAction: "reconcile", pendingSince: new Date(Date.now() - 60_000), syncFlag: "ERROR" } });
      await t.gql(`mutation { createVault(input: { name: "audited" }) { __typename } }`);
      const s = parse(await (await t.fetch("/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text());
      expect(value(s, "uko_keystores", { type: "reference", health: "PENDING_CHECK" })).toBe(2);
      expect(value(s, "uko_keystores", { type: "reference", health: "NOT_RESPONDING" })).toBe(1);
      expect(value(s, "uko_keystores_unresponsive_seconds")).toBeGreaterThanOrEqual(20 * 60 - 5);
      expect(value(s, "uko_managed_keys", { state: "ACTIVE" })).toBe(4);
      expect(value(s, "uko_key_instances", { sync_flag: "ERROR" })).toBe(4);
      expect(value(s, "uko_key_instances", { sync_flag: "OK" })).toBe(8);
      expect(value(s, "uko_key_installs_pending")).toBe(4);
      expect(value(s, "uko_key_installs_pending_oldest_seconds")).toBeGreaterThanOrEqual(55);
      expect(value(s, "uko_audit_chain_head_age_seconds")).toBeLessThan(60);
    } finally {
      await t.close();
    }
  });
});
