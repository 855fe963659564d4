import { startAwsKmsEmulator, type AwsKmsEmulator } from "@uko/connector-aws-kms/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorFields, providers, startTestGateway, type TestGateway } from "./harness.js";

/**
 * The AWS keystore through the gateway's API, against the AWS KMS emulator: the real SDK, SigV4,
 * AWS's error shapes. The whole file runs in a second or two: no test waits on retry delays.
 */
const AWS_FIELDS = `id name version type
  status { health message lastHeartbeat }
  lastConnectionTest { name outcome permission }
  properties { name value isSet secret immutable }
  ... on AwsKmsKeystore { awsRegion awsAccessKeyId awsEndpoint }`;
const CONNECT = `mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) {
  ... on ConnectKeystoreSuccess { keystore { ${AWS_FIELDS} } }
  ${errorFields("ValidationError", "NotFoundError", "DuplicateNameError", "KeystoreAlreadyConnectedError")} } }`;
const UPDATE = `mutation($input: UpdateKeystoreInput!) { updateKeystore(input: $input) {
  ... on UpdateKeystoreSuccess { keystore { ${AWS_FIELDS} } }
  ${errorFields("ValidationError", "NotFoundError", "VersionConflictError", "ImmutablePropertiesError", "KeystoreAlreadyConnectedError")} } }`;
const TEST = `mutation($input: TestKeystoreConnectionInput!) { testKeystoreConnection(input: $input) {
  ... on TestKeystoreConnectionSuccess { test { ok health message missingPermissions checks { name outcome } } }
  ${errorFields("ValidationError", "NotFoundError")} } }`;
const DISCONNECT = `mutation($input: DisconnectKeystoreInput!) { disconnectKeystore(input: $input) {
  ... on DisconnectKeystoreSuccess { keystore { id } } ${errorFields("NotFoundError", "VersionConflictError")} } }`;
const KEYSTORE = `query($id: ID!) { keystore(id: $id) { ${AWS_FIELDS} } }`;

const ADMIN = { accessKeyId: "EMUKGATEWAYTEST00001", secretAccessKey: "gateway/Test+Secret0000000000000000000001", userName: "uko-gateway" };
const ROTATED = { accessKeyId: "EMUKGATEWAYTEST00002", secretAccessKey: "gateway/Test+Secret0000000000000000000002", userName: "uko-gateway" };
const SECRETS = [ADMIN.secretAccessKey, ROTATED.secretAccessKey, "wrong/Secret+000000000000000000000000000"];

describe.each(await providers())("AWS keystores on %s", (provider) => {
  let t: TestGateway;
  let emulator: AwsKmsEmulator;
  let vaultId: string;
  const awsKms = (identity: { accessKeyId: string; secretAccessKey: string }, over: Record<string, unknown> = {}) => ({
    awsKms: { awsRegion: "eu_west_1", awsAccessKeyId: identity.accessKeyId, awsSecretAccessKey: identity.secretAccessKey, awsEndpoint: emulator.endpoint, ...over },
  });
  const rowCount = async () => (await t.gql(`{ keystores(filter: { type: "aws_kms" }) { totalCount } }`)).data.keystores.totalCount as number;

  beforeAll(async () => {
    emulator = await startAwsKmsEmulator({ region: "eu-west-1", identities: [ADMIN, ROTATED] });
    t = await startTestGateway(provider);
    const vault = await t.gql(`mutation { createVault(input: { name: "AWS" }) { ... on CreateVaultSuccess { vault { id } } } }`);
    vaultId = vault.data.createVault.vault.id;
  });
  afterAll(async () => {
    await t?.close();
    await emulator?.close();
  });

  it("connects, stores the AWS region spelling, and reports status OK with every check", async () => {
    const result = (await t.gql(CONNECT, { input: { vaultId, name: "aws-eu", groups: ["prod"], properties: awsKms(ADMIN) } })).data.connectKeystore;
    expect(result.__typename).toBe("ConnectKeystoreSuccess");
    const ks = result.keystore;
    expect(ks).toMatchObject({ type: "aws_kms", awsRegion: "eu-west-1", awsAccessKeyId: ADMIN.accessKeyId, awsEndpoint: emulator.endpoint });
    expect(ks.status.health).toBe("OK");
    expect(ks.status.lastHeartbeat).not.toBeNull();
    expect(ks.lastConnectionTest.filter((c: { outcome: string }) => c.outcome === "failed")).toEqual([]);
    expect(ks.properties.find((p: { name: string }) => p.name === "aws_secret_access_key")).toMatchObject({ value: null, isSet: true, secret: true });
    // Connecting created nothing in the account.
    expect(emulator.inspect.keyCount()).toBe(0);
  });

  it("refuses the same account and region again, even with another access key", async () => {
    const before = await rowCount();
    const again = (await t.gql(CONNECT, { input: { vaultId, name: "aws-eu-again", properties: awsKms(ROTATED) } })).data.connectKeystore;
    expect(again.__typename).toBe("KeystoreAlreadyConnectedError");
    expect(again.keystoreName).toBe("aws-eu");
    expect(await rowCount()).toBe(before);
  });

  it("tests unsaved properties: a wrong secret, a missing permission, an endpoint that does not answer", async () => {
    const wrong = (await t.gql(TEST, { input: { properties: awsKms(ADMIN, { awsSecretAccessKey: SECRETS[2] }) } })).data.testKeystoreConnection.test;
    expect(wrong).toMatchObject({ ok: false, health: "CONFIGURATION_ERROR" });
    expect(wrong.message).toMatch(/secret access key does not match/);

    const limited = { accessKeyId: "EMUKGATEWAYLIMITED01", secretAccessKey: "limited/Secret+00000000000000000000000", allowedActions: ["kms:ListKeys", "kms:DescribeKey"] };
    emulator.setIdentity(limited);
    const denied = (await t.gql(TEST, { input: { properties: awsKms(limited) } })).data.testKeystoreConnection.test;
    expect(denied).toMatchObject({ ok: false, health: "CONFIGURATION_ERROR" });
    expect(denied.missingPermissions).toContain("kms:ImportKeyMaterial");
    expect(denied.missingPermissions).not.toContain("kms:DescribeKey");
    expect(denied.missingPermissions).not.toContain("kms:CreateKey"); // not verifiable, so not claimed missing

    emulator.faults.inject({ kind: "hang" });
    try {
      const started = Date.now();
      const silent = (await t.gql(TEST, { input: { properties: awsKms(ADMIN) } })).data.testKeystoreConnection.test;
      expect(silent).toMatchObject({ ok: false, health: "NOT_RESPONDING" });
      expect(Date.now() - started).toBeLessThan(t.config.connectorTimeoutMs + 1_000);
    } finally {
      emulator.faults.clear();
    }
    expect(await rowCount()).toBe(1);
  });

  it("rotates the credentials, refuses a region change without saving anything, then disconnects", async () => {
    const ks = (await t.gql(`{ keystores(filter: { type: "aws_kms" }) { nodes { id version } } }`)).data.keystores.nodes[0];
    const rotated = (await t.gql(UPDATE, { input: { id: ks.id, expectedVersion: ks.version, properties: { awsKms: { awsAccessKeyId: ROTATED.accessKeyId, awsSecretAccessKey: ROTATED.secretAccessKey } } } })).data.updateKeystore;
    expect(rotated.__typename).toBe("UpdateKeystoreSuccess");
    expect(rotated.keystore).toMatchObject({ awsAccessKeyId: ROTATED.accessKeyId, version: ks.version + 1, status: { health: "OK" } });
    const used = emulator.inspect.requests().filter((r) => r.accessKeyId === ROTATED.accessKeyId && r.status === 200);
    expect(used.length).toBeGreaterThan(0);

    const moved = (await t.gql(UPDATE, { input: { id: ks.id, expectedVersion: ks.version + 1, name: "renamed", properties: { awsKms: { awsRegion: "us_east_1", awsAccessKeyId: ADMIN.accessKeyId } } } })).data.updateKeystore;
    expect(moved.__typename).toBe("ImmutablePropertiesError");
    expect(moved.properties).toEqual(["aws_region"]);
    const after = (await t.gql(KEYSTORE, { id: ks.id })).data.keystore;
    expect(after).toMatchObject({ name: "aws-eu", awsRegion: "eu-west-1", awsAccessKeyId: ROTATED.accessKeyId, version: ks.version + 1 });

    const gone = (await t.gql(DISCONNECT, { input: { id: ks.id, expectedVersion: ks.version + 1 } })).data.disconnectKeystore;
    expect(gone.__typename).toBe("DisconnectKeystoreSuccess");
    expect(await rowCount()).toBe(0);
  });

  it("never lets an AWS secret out: responses and logs are clean", () => {
    const everything = [...t.responses, ...t.logs].join("\n");
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
  });
});
