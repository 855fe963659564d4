import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createDatabase,
  dumpDatabase,
  gatewayEnv,
  killAllGateways,
  occurrences,
  postgresUnavailable,
  readAllFiles,
  runUntilExit,
  snapshotDir,
  startGateway,
  type GatewayProcess,
} from "./process.js";

/**
 * The built gateway as an operator runs it: `node gateway/dist/main.js`, configured only through
 * the environment, restarted on the same data, and refusing a different root key. A canary API key
 * goes in through GraphQL and must come out nowhere: not in output, responses or the database.
 */

const KEYSTORE_FIELDS = `
  __typename id name description type groups version
  vault { id name version }
  status { health message checkedAt }
  properties { name value isSet secret }
  ... on ReferenceKeystore { referenceInstance referenceLocation referenceInstanceId }
`;

const CONNECTION_TEST_FIELDS = "ok health message missingPermissions checks { name kind outcome }";

/** What a restart must keep of a keystore (status is observed, not stored state to compare). */
function persistent(keystore: any) {
  const { status: _status, ...rest } = keystore;
  return rest;
}

function lines(text: string): string[] {
  return text.split("\n").filter((l) => l.trim() !== "");
}

interface Scenario {
  /** Extra environment for every start (DATABASE_URL for PostgreSQL). */
  env(): Record<string, string>;
  /** The database's whole content as bytes or text, for the unchanged check and the canary scan. */
  databaseContent(dataDir: string): Promise<string | Buffer>;
}

function restartScenario(label: string, scenario: Scenario): void {
  const canary = `canary-${randomBytes(16).toString("hex")}`;
  const instance = `e2e-${randomBytes(4).toString("hex")}`;
  const vaultName = `E2E vault ${randomBytes(3).toString("hex")}`;
  let workDir: string;
  let dataDir: string;
  /** Every gateway process of this scenario, refused ones included. */
  const processes: GatewayProcess[] = [];
  const state: { vaultId?: string; keystoreId?: string; keystore?: any; rootKey?: string; wrongRootKey?: string } = {};

  const env = (extra: Record<string, string> = {}) =>
    gatewayEnv({
      PORT: "0",
      UKO_DATA_DIR: dataDir,
      UKO_CONNECTORS: "@uko/connector-reference",
      // The reference connector runs in its own process, which sees only the variables named here.
      UKO_CONNECTOR_ENV: "UKO_REFERENCE_INSTANCES",
      UKO_REFERENCE_INSTANCES: JSON.stringify({ [instance]: canary }),
      // Debug logs: the most output there is to leak into.
      LOG_LEVEL: "debug",
      ...scenario.env(),
      ...extra,
    });
  const start = async (extra?: Record<string, string>) => {
    const gateway = await startGateway(env(extra), workDir);
    processes.push(gateway);
    return gateway;
  };
  const stopCleanly = async (gateway: GatewayProcess) => {
    const stopped = await gateway.stop(10_000);
    expect(stopped.timedOut, `no exit within 10 s of SIGTERM:\n${gateway.output}`).toBe(false);
    expect({ code: stopped.code, signal: stopped.signal }).toEqual({ code: 0, signal: null });
    expect(stopped.ms).toBeLessThan(5_000);
  };
  const readKeystore = async (gateway: GatewayProcess, id: string) =>
    (await gateway.gql(`query($id: ID!) { keystore(id: $id) { ${KEYSTORE_FIELDS} } }`, { id })).keystore;

  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), "uko-e2e-"));
    // Not created beforehand: the gateway makes it.
    dataDir = join(workDir, "data");
  });
  afterEach(killAllGateways);
  afterAll(async () => {
    await killAllGateways();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it(`${label}: first start: creates an owner-only root.key and says so once; vault and keystore through GraphQL; SIGTERM exits 0`, async () => {
    const rootKeyFile = join(dataDir, "root.key");
    expect(existsSync(rootKeyFile)).toBe(false);
    const gateway = await start();

    expect(existsSync(rootKeyFile)).toBe(true);
    expect((statSync(rootKeyFile).mode & 0o777).toString(8)).toBe("600");
    state.rootKey = readFileSync(rootKeyFile, "utf8").trim();
    expect(state.rootKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const aboutRootKey = lines(gateway.output).filter((l) => /root[ ._-]?key/i.test(l));
    expect(aboutRootKey).toHaveLength(1);
    expect(aboutRootKey[0]).toContain(rootKeyFile);
    expect(aboutRootKey[0]).toMatch(/created/i);

    const { keystoreTypes } = await gateway.gql(
      "{ keystoreTypes { type packageName propertiesInputField graphqlTypeName properties { name secret } } }",
    );
    // Exactly the configured connector: UKO_CONNECTORS replaces the built-in ones.
    expect(keystoreTypes.map((t: any) => t.type)).toEqual(["reference"]);
    expect(keystoreTypes[0]).toMatchObject({
      packageName: "@uko/connector-reference",
      propertiesInputField: "reference",
      graphqlTypeName: "ReferenceKeystore",
    });
    expect(keystoreTypes[0].properties).toContainEqual({ name: "reference_api_key", secret: true });

    const { createVault } = await gateway.gql(
      `mutation($name: String!) { createVault(input: { name: $name }) {
        __typename ... on CreateVaultSuccess { vault { id name version } } ... on Error { message code } } }`,
      { name: vaultName },
    );
    expect(createVault.__typename).toBe("CreateVaultSuccess");
    state.vaultId = createVault.vault.id;

    const { connectKeystore } = await gateway.gql(
      `mutation($vaultId: ID!, $instance: String!, $apiKey: String!) {
        connectKeystore(input: { vaultId: $vaultId, name: "e2e reference", description: "restart test", groups: ["prod"],
          properties: { reference: { referenceInstance: $instance, referenceApiKey: $apiKey } } }) {
          __typename ... on ConnectKeystoreSuccess { keystore { ${KEYSTORE_FIELDS} } }
          ... on Error { message code } ... on ValidationError { issues { path message } } } }`,
      { vaultId: state.vaultId, instance, apiKey: canary },
    );
    expect(connectKeystore.__typename, JSON.stringify(connectKeystore)).toBe("ConnectKeystoreSuccess");
    const connected = connectKeystore.keystore;
    expect(connected).toMatchObject({ __typename: "ReferenceKeystore", type: "reference", groups: ["prod"], referenceInstance: instance });
    expect(connected.status.health, connected.status.message).toBe("OK");
    expect(connected.properties).toContainEqual({ name: "reference_api_key", value: null, isSet: true, secret: true });
    state.keystoreId = connected.id;

    const { updateKeystore } = await gateway.gql(
      `mutation($id: ID!, $version: Int!) {
        updateKeystore(input: { id: $id, expectedVersion: $version, groups: ["prod", "payments"], description: "restart test, edited" }) {
          __typename ... on UpdateKeystoreSuccess { keystore { ${KEYSTORE_FIELDS} } } ... on Error { message code } } }`,
      { id: state.keystoreId, version: connected.version },
    );
    expect(updateKeystore.__typename, JSON.stringify(updateKeystore)).toBe("UpdateKeystoreSuccess");
    expect(updateKeystore.keystore).toMatchObject({
      id: state.keystoreId,
      version: connected.version + 1,
      groups: ["prod", "payments"],
      description: "restart test, edited",
    });
    expect(updateKeystore.keystore.status.health).toBe("OK");
    state.keystore = await readKeystore(gateway, state.keystoreId!);
    expect(state.keystore).toMatchObject({ version: connected.version + 1, groups: ["prod", "payments"] });

    await stopCleanly(gateway);
  });

  it(`${label}: restart on the same data: same vault and keystore, the sealed API key still opens, status refresh works`, async () => {
    expect(state.keystore, "the first start did not get as far as the keystore").toBeDefined();
    const gateway = await start();
    // The key file is reused, not replaced, and nothing is announced this time.
    expect(readFileSync(join(dataDir, "root.key"), "utf8").trim()).toBe(state.rootKey);
    expect(lines(gateway.output).filter((l) => /root[ ._-]?key/i.test(l))).toEqual([]);

    const { vaults, keystores } = await gateway.gql(
      "{ vaults { totalCount nodes { id name version } } keystores { totalCount nodes { id } } }",
    );
    expect(vaults).toEqual({ totalCount: 1, nodes: [state.keystore.vault] });
    expect(vaults.nodes[0]).toMatchObject({ id: state.vaultId, name: vaultName });
    expect(keystores).toEqual({ totalCount: 1, nodes: [{ id: state.keystoreId }] });
    const keystore = await readKeystore(gateway, state.keystoreId!);
    expect(persistent(keystore)).toEqual(persistent(state.keystore));
    expect(keystore.status.health).toBe("OK");

    // The reference instance accepts only the canary key, so passing means the sealed secret was
    // read back and opened with the root key from the file.
    const { testKeystoreConnection } = await gateway.gql(
      `mutation($id: ID!) { testKeystoreConnection(input: { keystoreId: $id }) {
        __typename ... on TestKeystoreConnectionSuccess { test { ${CONNECTION_TEST_FIELDS} } } ... on Error { message code } } }`,
      { id: state.keystoreId },
    );
    expect(testKeystoreConnection.__typename, JSON.stringify(testKeystoreConnection)).toBe("TestKeystoreConnectionSuccess");
    expect(testKeystoreConnection.test).toMatchObject({ ok: true, health: "OK", missingPermissions: [] });
    expect(testKeystoreConnection.test.checks).toContainEqual({ name: "authentication", kind: "AUTHENTICATION", outcome: "PASSED" });

    // Control: this process's instance does refuse another key, so the pass above is not vacuous.
    const { testKeystoreConnection: wrongKey } = await gateway.gql(
      `mutation($instance: String!) { testKeystoreConnection(input: { properties: { reference: { referenceInstance: $instance, referenceApiKey: "not-the-right-key" } } }) {
        __typename ... on TestKeystoreConnectionSuccess { test { ${CONNECTION_TEST_FIELDS} } } ... on Error { message code } } }`,
      { instance },
    );
    expect(wrongKey.__typename).toBe("TestKeystoreConnectionSuccess");
    expect(wrongKey.test).toMatchObject({ ok: false, health: "CONFIGURATION_ERROR" });

    const { refreshKeystoreStatus } = await gateway.gql(
      `mutation($id: ID!) { refreshKeystoreStatus(input: { id: $id }) {
        __typename ... on RefreshKeystoreStatusSuccess { refresh { test { ok health } keystore { id version status { health checkedAt } } } }
        ... on Error { message code } } }`,
      { id: state.keystoreId },
    );
    expect(refreshKeystoreStatus.__typename, JSON.stringify(refreshKeystoreStatus)).toBe("RefreshKeystoreStatusSuccess");
    const { refresh } = refreshKeystoreStatus;
    expect(refresh.test).toEqual({ ok: true, health: "OK" });
    expect(refresh.keystore).toMatchObject({ id: state.keystoreId, version: state.keystore.version, status: { health: "OK" } });
    expect(Date.parse(refresh.keystore.status.checkedAt)).toBeGreaterThan(Date.parse(state.keystore.status.checkedAt));

    await stopCleanly(gateway);
  });

  it(`${label}: a different UKO_ROOT_KEY: refuses to start, says why, changes nothing; the right key still works after`, async () => {
    expect(state.keystore, "the earlier starts did not complete").toBeDefined();
    const filesBefore = snapshotDir(dataDir);
    const databaseBefore = await scenario.databaseContent(dataDir);
    do state.wrongRootKey = randomBytes(32).toString("base64");
    while (state.wrongRootKey === state.rootKey);

    const refused = await runUntilExit(env({ UKO_ROOT_KEY: state.wrongRootKey }), workDir);
    processes.push(refused);
    expect(refused.exit.signal).toBeNull();
    expect(refused.exit.code).not.toBe(0);
    expect(refused.exit.code).not.toBeNull();
    expect(refused.output).not.toMatch(/UKO gateway on/);
    expect(refused.stderr).toMatch(/root key/i);

    expect(snapshotDir(dataDir)).toEqual(filesBefore);
    expect(await scenario.databaseContent(dataDir)).toEqual(databaseBefore);

    const gateway = await start();
    const { testKeystoreConnection } = await gateway.gql(
      `mutation($id: ID!) { testKeystoreConnection(input: { keystoreId: $id }) {
        __typename ... on TestKeystoreConnectionSuccess { test { ok health } } ... on Error { message code } } }`,
      { id: state.keystoreId },
    );
    expect(testKeystoreConnection).toEqual({ __typename: "TestKeystoreConnectionSuccess", test: { ok: true, health: "OK" } });
    await stopCleanly(gateway);
  });

  it(`${label}: the canary API key and the root keys appear nowhere: output, response bodies, database`, async () => {
    expect(state.wrongRootKey, "the earlier tests did not complete").toBeDefined();
    const captured = processes.flatMap((p) => [p.stdout, p.stderr, ...p.responses]).join("\n");
    const responses = processes.flatMap((p) => p.responses).join("\n");
    const database = await scenario.databaseContent(dataDir);
    const files = readAllFiles(dataDir).filter((f) => !f.path.endsWith("root.key"));

    // Controls: the scans do see stored and returned data (the non-secret instance name).
    expect(occurrences(responses, instance)).toBeGreaterThan(0);
    expect(occurrences(database, instance)).toBeGreaterThan(0);

    expect(occurrences(captured, canary)).toBe(0);
    expect(occurrences(database, canary)).toBe(0);
    for (const file of files) expect(occurrences(file.content, canary), file.path).toBe(0);
    for (const key of [state.rootKey!, state.wrongRootKey!]) {
      expect(occurrences(captured, key)).toBe(0);
      expect(occurrences(database, key)).toBe(0);
      for (const file of files) expect(occurrences(file.content, key), file.path).toBe(0);
    }
  });
}

describe("the gateway process on SQLite (the default database in the data directory)", () => {
  restartScenario("sqlite", {
    env: () => ({}),
    async databaseContent(dataDir) {
      // The database file and any WAL/shared-memory files next to it.
      const files = readAllFiles(dataDir).filter((f) => /uko\.db/.test(f.path));
      if (!files.some((f) => f.path.endsWith("uko.db"))) throw new Error(`no uko.db in ${dataDir}`);
      return Buffer.concat(files.sort((a, b) => a.path.localeCompare(b.path)).map((f) => f.content));
    },
  });
});

const pgUnavailable = await postgresUnavailable();

if (pgUnavailable && process.env.CI) {
  // In CI PostgreSQL is part of the setup (.ci/run starts it): its absence is a failure, not a skip.
  describe("the gateway process on PostgreSQL", () => {
    it("postgresql: PostgreSQL is reachable (required when CI is set)", () => {
      throw new Error(pgUnavailable);
    });
  });
} else {
  if (pgUnavailable) console.warn(`skipping the PostgreSQL run of the gateway process test: ${pgUnavailable}`);
  describe.skipIf(pgUnavailable !== undefined)(`the gateway process on PostgreSQL${pgUnavailable ? ` (skipped: ${pgUnavailable})` : ""}`, () => {
    let database: { url: string; drop(): Promise<void> } | undefined;
    beforeAll(async () => {
      database = await createDatabase("uko_e2e");
    });
    restartScenario("postgresql", {
      env: () => {
        if (!database) throw new Error("no PostgreSQL database");
        return { DATABASE_URL: database.url };
      },
      async databaseContent(dataDir) {
        // DATABASE_URL is honoured: no SQLite file appears next to the root key.
        if (existsSync(join(dataDir, "uko.db"))) throw new Error(`a SQLite database was created in ${dataDir} despite DATABASE_URL`);
        return dumpDatabase(database!.url);
      },
    });
    afterAll(async () => {
      await killAllGateways();
      await database?.drop();
    });
  });
}
