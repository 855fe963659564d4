import { startAwsKmsEmulator, type AwsKmsEmulator } from "@uko/connector-aws-kms/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "./harness.js";

/**
 * Testing unsaved properties says, before Connect, that the remote keystore they name (identifying
 * properties plus the account the test learned) is already connected, and which account the test
 * found; which keystore and vault only to a caller who may read that vault.
 */
const ACCOUNT = { accessKeyId: "EMUKALREADY000000001", secretAccessKey: "already/Secret+0000000000000000000000001", accountId: "555555555555", userName: "uko-1" };
// A second access key of the same account: another key id, the same remote keystore.
const SAME_ACCOUNT = { accessKeyId: "EMUKALREADY000000002", secretAccessKey: "already/Secret+0000000000000000000000002", accountId: "555555555555", userName: "uko-2" };
const TEST = `mutation($input: TestKeystoreConnectionInput!) { testKeystoreConnection(input: $input) {
  ... on TestKeystoreConnectionSuccess { test { ok account alreadyConnected { keystoreId keystoreName vaultId vaultName } } } ... on Error { message } } }`;

describe("testKeystoreConnection: already connected", () => {
  let t: TestGateway;
  let emulator: AwsKmsEmulator;
  let vaultA: string;
  let vaultB: string;
  let keystoreId: string;
  const props = (id: typeof ACCOUNT) => ({ awsKms: { awsRegion: "eu-west-1", awsAccessKeyId: id.accessKeyId, awsSecretAccessKey: id.secretAccessKey, awsEndpoint: emulator.endpoint } });
  const vault = async (name: string) => (await t.gql(`mutation($n: String!) { createVault(input: { name: $n }) { ... on CreateVaultSuccess { vault { id } } } }`, { n: name })).data.createVault.vault.id as string;
  const tokenFor = async (vaultId: string) =>
    (
      await t.gql(`mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { ... on CreateAccessTokenSuccess { created { token } } } }`, {
        input: { name: `admin-of-${vaultId.slice(0, 8)}`, roles: [{ vaultId, role: "VAULT_ADMINISTRATOR" }] },
      })
    ).data.createAccessToken.created.token as string;

  beforeAll(async () => {
    emulator = await startAwsKmsEmulator({ region: "eu-west-1", identities: [ACCOUNT, SAME_ACCOUNT] });
    t = await startTestGateway("sqlite", { connectorTimeoutMs: 10_000 });
    vaultA = await vault("vault-a");
    vaultB = await vault("vault-b");
    const connected = await t.gql(`mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { ... on ConnectKeystoreSuccess { keystore { id } } ... on Error { message } } }`, {
      input: { vaultId: vaultA, name: "aws-a", groups: ["prod"], properties: props(ACCOUNT) },
    });
    keystoreId = connected.data.connectKeystore.keystore.id;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await emulator?.close();
  });

  it("names the keystore and vault to a caller who may read that vault, with the account found", async () => {
    const test = (await t.gql(TEST, { input: { properties: props(SAME_ACCOUNT) } })).data.testKeystoreConnection.test;
    expect(test).toMatchObject({ ok: true, account: "555555555555", alreadyConnected: { keystoreId, keystoreName: "aws-a", vaultId: vaultA, vaultName: "vault-a" } });
    const ownAdmin = await tokenFor(vaultA);
    const asOwner = (await t.gqlAs(ownAdmin, TEST, { input: { properties: props(SAME_ACCOUNT) } })).data.testKeystoreConnection.test;
    expect(asOwner.alreadyConnected).toEqual({ keystoreId, keystoreName: "aws-a", vaultId: vaultA, vaultName: "vault-a" });
  });

  it("tells a caller of another vault only that it is connected, nothing of the other vault", async () => {
    const otherAdmin = await tokenFor(vaultB);
    const response = await t.gqlAs(otherAdmin, TEST, { input: { properties: props(SAME_ACCOUNT) } });
    const test = response.data.testKeystoreConnection.test;
    expect(test).toMatchObject({ ok: true, account: "555555555555", alreadyConnected: { keystoreId: null, keystoreName: null, vaultId: null, vaultName: null } });
    const text = JSON.stringify(response);
    for (const leak of [keystoreId, "aws-a", vaultA, "vault-a"]) expect(text).not.toContain(leak);
  });

  it("says nothing when the remote keystore is not connected", async () => {
    const test = (await t.gql(TEST, { input: { properties: { awsKms: { ...props(ACCOUNT).awsKms, awsRegion: "us-east-1" } } } })).data.testKeystoreConnection.test;
    expect(test.alreadyConnected).toBeNull();
  });
});
