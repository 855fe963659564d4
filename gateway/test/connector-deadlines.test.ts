import { randomUUID } from "node:crypto";
import { DisableKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { startAwsKmsEmulator, type AwsKmsEmulator } from "@uko/connector-aws-kms/emulator";
import { isConnectorError, type ConnectorHost, type ConnectorSession } from "@uko/connector-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { startTestGateway, type TestGateway } from "./harness.js";
import { CREATE_KEY, createTemplate, KEY, lifecycle, type Status } from "./keys-fixture.js";

/**
 * Each remote call has its own deadline (UKO_CONNECTOR_CALL_TIMEOUT_MS) and the whole operation a
 * larger budget (UKO_CONNECTOR_TIMEOUT_MS), so a cloud that is uniformly slow — every AWS call
 * takes 1.5 s here, through the emulator's latency fault — still finishes a multi-call install,
 * and the background sync converges, where one 2 s deadline around the operation never could.
 */
const ACCOUNT = { accessKeyId: "EMUKDEADLINES0000001", secretAccessKey: "deadlines/Secret+0000000000000000000000001", accountId: "333333333333", userName: "uko-d" };
const CONNECT = `mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { ... on ConnectKeystoreSuccess { keystore { id status { health } } } ... on Error { message } } }`;

describe("connector deadlines under a uniformly slow cloud", () => {
  let t: TestGateway;
  let emulator: AwsKmsEmulator;
  let vaultId: string;
  let keystoreId: string;

  beforeAll(async () => {
    emulator = await startAwsKmsEmulator({ region: "eu-west-1", identities: [ACCOUNT], wrappingKeyBits: { RSA_3072: true } });
    t = await startTestGateway("sqlite", { connectorTimeoutMs: 30_000, connectorCallTimeoutMs: 2_000 });
    vaultId = (await t.gql(`mutation { createVault(input: { name: "slow" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault.id;
    const r = await t.gql(CONNECT, {
      input: { vaultId, name: "aws-slow", groups: ["prod"], properties: { awsKms: { awsRegion: "eu-west-1", awsAccessKeyId: ACCOUNT.accessKeyId, awsSecretAccessKey: ACCOUNT.secretAccessKey, awsEndpoint: emulator.endpoint } } },
    });
    keystoreId = r.data.connectKeystore.keystore.id;
    emulator.faults.inject({ kind: "latency", ms: 1_500 });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await emulator?.close();
  });

  it("reads both settings, per call and per operation, with defaults", () => {
    expect(loadConfig({})).toMatchObject({ connectorTimeoutMs: 30_000, connectorCallTimeoutMs: 10_000 });
    expect(loadConfig({ UKO_CONNECTOR_TIMEOUT_MS: "45000", UKO_CONNECTOR_CALL_TIMEOUT_MS: "2000" })).toMatchObject({ connectorTimeoutMs: 45_000, connectorCallTimeoutMs: 2_000 });
  });

  it("an install of five 1.5 s calls fails under one 2 s deadline and succeeds with 2 s per call in a 30 s budget", async () => {
    const row = await t.gateway.database.db.keystore.findUniqueOrThrow({ where: { id: keystoreId } });
    const install = (name: string, fill: number) => (session: ConnectorSession, host: ConnectorHost) =>
      session.keys!.installKey({ name, material: { spec: { algorithm: "aes", size: "256" }, bytes: new Uint8Array(32).fill(fill) }, copy: { managedKeyId: randomUUID(), vaultId, version: 1 }, options: {} }, host);
    const single = await t.gateway.services.sessions.run(row, { timeoutMs: 2_000 }, install("single-deadline", 7)).then(
      () => null,
      (error: unknown) => error,
    );
    expect(isConnectorError(single) && single.code).toBe("UNREACHABLE");

    const started = Date.now();
    const installed = await t.gateway.services.sessions.run(row, { timeoutMs: 30_000, callTimeoutMs: 2_000 }, install("per-call-deadline", 9));
    expect(installed.state).toBe("enabled");
    expect(Date.now() - started).toBeGreaterThan(4 * 1_500);
    expect(emulator.inspect.keyHoldsMaterial(installed.keyId, new Uint8Array(32).fill(9))).toBe(true);
  }, 60_000);

  it("activates a key and the background sync converges while every call takes 1.5 s", async () => {
    const templateId = await createTemplate(t, { vaultId, name: "slow", type: "aws_kms", group: "prod", namingScheme: "uko/<app>" });
    const created = (await t.gql(CREATE_KEY, { input: { vaultId, templateId, label: "slow-key", namingValues: [{ name: "app", value: "slowkey" }] } })).data.createManagedKey.managedKey;
    const active = (await t.gql(lifecycle("activate"), { input: { id: created.id, expectedVersion: created.version } })).data.activateManagedKey.managedKey;
    const status = active.statusInKeystores[0] as Status;
    expect(status).toMatchObject({ status: "ACTIVE", syncFlag: "OK", error: null });

    // Someone disables the key in AWS and a push is left pending (as after a crash): the round finishes it.
    const kms = new KMSClient({ region: "eu-west-1", endpoint: emulator.endpoint, credentials: ACCOUNT });
    await kms.send(new DisableKeyCommand({ KeyId: status.keyIdInKeystore! }));
    kms.destroy();
    await t.gateway.database.db.keyInstance.updateMany({ where: { managedKeyId: created.id }, data: { pendingAction: "reconcile", pendingSince: new Date() } });
    await t.gateway.services.keys.syncRound();
    const after = (await t.gql(KEY, { id: created.id })).data.managedKey;
    expect(after.statusInKeystores[0]).toMatchObject({ status: "ACTIVE", syncFlag: "OK", error: null, pending: false });
  }, 120_000);
});
