import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pg from "pg";
import pino from "pino";
import referenceConnector from "@uko/connector-reference";
import type { GatewayConfig } from "../src/config.js";
import type { IsolationOptions } from "../src/connectors/isolation/connector-process.js";
import { ConnectorRegistry, loadConnector, register, type LoadedConnector } from "../src/connectors/registry.js";
import { withSession } from "../src/connectors/invoke.js";
import { asConnectorLogger } from "../src/logger.js";
import { createGateway, type Gateway } from "../src/server.js";

/**
 * A real gateway in-process, on a fresh SQLite file or a fresh PostgreSQL database, with the
 * reference and AWS KMS connectors loaded. Responses and log lines are kept for the secret scans.
 */
export type Provider = "sqlite" | "postgresql";

const PG_BASE = process.env.TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
let pgAvailable: Promise<string | undefined> | undefined;

/** undefined when PostgreSQL is reachable, else why not. */
export function postgresUnavailable(): Promise<string | undefined> {
  pgAvailable ??= (async () => {
    const client = new pg.Client({ connectionString: PG_BASE, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.end();
      return undefined;
    } catch (error) {
      return `PostgreSQL at ${PG_BASE} is not reachable (${(error as Error).message}); .ci/run starts it`;
    }
  })();
  return pgAvailable;
}

/** The databases to run a suite against: SQLite always, PostgreSQL when reachable. */
export async function providers(): Promise<Provider[]> {
  const reason = await postgresUnavailable();
  if (reason) {
    if (process.env.CI) throw new Error(reason);
    console.warn(`skipping the PostgreSQL runs: ${reason}`);
    return ["sqlite"];
  }
  return ["sqlite", "postgresql"];
}

export interface TestGateway {
  gateway: Gateway;
  config: GatewayConfig;
  logs: string[];
  responses: string[];
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<{ data: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }>;
  /** The same, as another token (null: no Authorization header at all). */
  gqlAs<T = any>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<{ status: number; data: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }>;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** A query marked with `# expect-errors` may return top-level errors; any other throws on them. */
function allowErrors(query: string): boolean {
  return query.includes("# expect-errors");
}

export interface ExtraConnector {
  /** A package name or a path to a connector module, loaded in its own process. */
  name: string;
  isolationOptions?: Partial<IsolationOptions>;
}

export interface TestGatewayOptions {
  /** Replace the built-in connectors of the same type (e.g. a wrapped reference connector that counts sessions), or add to them; in-process. */
  connectors?: LoadedConnector[];
  /** Packages loaded isolated, in their own processes, as in production (AWS always is). */
  extraConnectors?: ExtraConnector[];
  /** The managed-key engine's clock. */
  clock?: { now(): Date };
}

/**
 * The reference connector runs in the test's process (tests reach into its in-memory backend);
 * AWS, and any `extraConnectors`, run isolated in their own processes, as in production.
 */
export async function startTestGateway(provider: Provider, overrides: Partial<GatewayConfig> = {}, options: TestGatewayOptions = {}): Promise<TestGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), "uko-test-"));
  let dropDatabase = async () => {};
  let databaseUrl = `file:${join(dataDir, "uko.db")}`;
  if (provider === "postgresql") {
    const name = `uko_test_${randomUUID().replace(/-/g, "")}`;
    const admin = new pg.Client({ connectionString: PG_BASE });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(PG_BASE);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = async () => {
      const c = new pg.Client({ connectionString: PG_BASE });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  const config: GatewayConfig = {
    port: 0,
    dataDir,
    databaseUrl,
    rootKey: randomBytes(32).toString("base64"),
    adminToken: `test-admin-${randomBytes(24).toString("hex")}`,
    connectors: [],
    healthIntervalSeconds: 0,
    connectorTimeoutMs: 1500,
    logLevel: "debug",
    ...overrides,
  };
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const logger = pino({ level: "debug" }, sink);
  const connectorLogger = asConnectorLogger(logger.child({ component: "connector" }));
  const loaded: LoadedConnector[] = [register("@uko/connector-reference", referenceConnector)];
  for (const extra of [{ name: "@uko/connector-aws-kms" }, ...(options.extraConnectors ?? [])]) {
    loaded.push(await loadConnector(extra.name, { logger: connectorLogger, ...(extra.isolationOptions ? { isolationOptions: extra.isolationOptions } : {}) }));
  }
  await warmUp(loaded.find((c) => c.definition.type === "aws_kms")!);
  const replaced = options.connectors ?? [];
  const connectors = loaded
    .map((builtIn) => replaced.find((c) => c.definition.type === builtIn.definition.type) ?? builtIn)
    .concat(replaced.filter((c) => !loaded.some((l) => l.definition.type === c.definition.type)));
  const gateway = await createGateway(config, { registry: new ConnectorRegistry(connectors), logger, ...(options.clock ? { clock: options.clock } : {}) });
  const responses: string[] = [];
  const fetchPath = async (path: string, init?: RequestInit) => {
    const response = await gateway.yoga.fetch(new URL(path, "http://localhost"), init as never);
    const text = await response.text();
    responses.push(text);
    return new Response(text, { status: response.status, headers: response.headers });
  };
  const post = async (token: string | null, query: string, variables?: Record<string, unknown>) => {
    const body = JSON.stringify({ query, variables });
    const response = await fetchPath("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
      body,
    });
    return { status: response.status, ...((await response.json()) as { data: unknown; errors?: unknown }) };
  };
  return {
    gateway,
    config,
    logs,
    responses,
    fetch: fetchPath,
    async gql(query, variables) {
      const { status: _status, ...json } = await post(config.adminToken!, query, variables);
      if (json.errors && !allowErrors(query)) throw new Error(`GraphQL errors: ${JSON.stringify(json.errors)}`);
      return json as never;
    },
    gqlAs: (token, query, variables) => post(token, query, variables) as never,
    async close() {
      await gateway.close();
      await dropDatabase();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh connector process loads the AWS SDK's request path on its first call, which on a busy
 * machine can outlast the tests' 1.5 s deadline; a running gateway's is warm after its first
 * health round. One call to a closed loopback port does the same here.
 */
async function warmUp(aws: LoadedConnector): Promise<void> {
  const properties = { aws_region: "eu-west-1", aws_access_key_id: "WARMUP", aws_secret_access_key: "warm-up-not-a-secret", aws_endpoint: "http://127.0.0.1:9" };
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  await withSession(aws, properties, [], { timeoutMs: 30_000, logger: quiet, retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }, (session, host) => session.test(host)).catch(() => undefined);
}

export const KEYSTORE_FIELDS = `
  id name description type groups version
  vault { id name }
  status { health message lastHeartbeat checkedAt }
  properties { name value isSet secret immutable derived }
  ... on ReferenceKeystore { referenceInstance referenceLocation referenceSimulate referenceLatencyMs referenceInstanceId }
`;

const ERROR_SELECTIONS: Record<string, string> = {
  ValidationError: "issues { path message code }",
  VersionConflictError: "expectedVersion currentVersion",
  NotFoundError: "resource id path",
  ImmutablePropertiesError: "properties",
  KeystoreAlreadyConnectedError: "keystoreId keystoreName vaultName vaultId",
  VaultNotEmptyError: "keystoreCount keystoreNames",
  DuplicateNameError: "name",
  UnknownKeystoreTypeError: "type",
};

/** The selection of a result union's typed errors (GraphQL refuses spreads of non-members). */
export function errorFields(...types: (keyof typeof ERROR_SELECTIONS)[]): string {
  return `__typename ... on Error { message code } ${types.map((t) => `... on ${t} { ${ERROR_SELECTIONS[t]} }`).join(" ")}`;
}

/** Writes `vaults` vaults of `perVault` reference keystores (group "prod") straight to the database. */
export async function seedKeystores(db: Gateway["database"]["db"], vaults: number, perVault: number): Promise<void> {
  for (let v = 0; v < vaults; v++) {
    const vault = await db.vault.create({ data: { name: `Vault ${v}` } });
    const rows = Array.from({ length: perVault }, (_, i) => ({
      id: randomUUID(),
      vaultId: vault.id,
      name: `keystore-${v}-${String(i).padStart(4, "0")}`,
      type: "reference",
      remoteIdentity: `${v}/${i}`,
      properties: JSON.stringify({ reference_instance: `i-${v}-${i}`, reference_location: "local" }),
    }));
    await db.keystore.createMany({ data: rows });
    await db.keystoreGroup.createMany({ data: rows.map((r) => ({ keystoreId: r.id, name: "prod", position: 0 })) });
  }
}

/**
 * Writes `count` active managed keys, each installed in every given keystore, straight to the
 * database (with a template targeting group "prod"), for list statements and benchmarks.
 */
export async function seedManagedKeys(db: Gateway["database"]["db"], vaultId: string, keystores: { id: string; name: string }[], count: number): Promise<void> {
  const template = await db.keyTemplate.create({
    data: { vaultId, name: `seed-${randomUUID().slice(0, 8)}`, algorithm: "AES", size: "256", initialState: "PRE_ACTIVATION", namingScheme: "seed-<n>", targets: { create: [{ position: 0, keystoreType: "reference", keystoreGroup: "prod" }] } },
  });
  const BATCH = 1000;
  for (let start = 0; start < count; start += BATCH) {
    const keys = Array.from({ length: Math.min(BATCH, count - start) }, (_, i) => ({
      id: randomUUID(),
      vaultId,
      templateId: template.id,
      label: `key-${String(start + i).padStart(7, "0")}`,
      state: "ACTIVE" as const,
      algorithm: "AES" as const,
      size: "256",
      nameInKeystores: `seed-${start + i}`,
      alignedRevision: 1,
    }));
    await db.managedKey.createMany({ data: keys });
    await db.managedKeyVersion.createMany({ data: keys.map((k) => ({ managedKeyId: k.id, number: 1, sealedMaterial: new Uint8Array(1), verificationValue: '{"method":"kcv-aes-zero","value":"000000"}' })) });
    await db.keyInstance.createMany({
      data: keys.flatMap((k) => keystores.map((ks) => ({ managedKeyId: k.id, keystoreId: ks.id, keystoreName: ks.name, status: "ACTIVE" as const, syncFlag: "OK" as const, keyIdInKeystore: randomUUID() }))),
    });
  }
}
