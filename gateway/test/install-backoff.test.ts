import { CreateAliasCommand, CreateKeyCommand, DeleteAliasCommand, KMSClient } from "@aws-sdk/client-kms";
import { startAwsKmsEmulator, type AwsKmsEmulator } from "@uko/connector-aws-kms/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { errorFields, providers, startTestGateway, type TestGateway } from "./harness.js";
import { createTemplate, KEY, KEY_FIELDS, lifecycle } from "./keys-fixture.js";

/**
 * A key that cannot install (its alias is taken by a key the gateway does not manage) is not
 * retried every round: the background sync backs off per key and keystore, each attempt searches
 * the account at most once, and the reason stays visible until an attempt succeeds. The engine's
 * clock is moved instead of waiting; the emulator counts every AWS call.
 */
const ACCOUNT = { accessKeyId: "EMUKBACKOFF000000001", secretAccessKey: "backoff/Secret+00000000000000000000000001", accountId: "444444444444", userName: "uko-b" };
const CONNECT = `mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { ... on ConnectKeystoreSuccess { keystore { id } } ... on Error { message } } }`;
const CREATE = `mutation($input: CreateManagedKeyInput!) { createManagedKey(input: $input) {
  ... on CreateManagedKeySuccess { managedKey { ${KEY_FIELDS} statusInKeystores { failedAttempts retryAfter } } }
  ${errorFields("ValidationError", "DuplicateNameError")} ... on KeyNameTakenError { nameInKeystores otherKeyId otherKeyLabel } } }`;
const STATUS = `query($id: ID!) { managedKey(id: $id) { statusInKeystores { status syncFlag error pending failedAttempts retryAfter } } }`;

describe.each(await providers())("install backoff on %s", (provider) => {
  let t: TestGateway;
  let emulator: AwsKmsEmulator;
  let vaultId: string;
  let templateId: string;
  const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };
  const kms = () => new KMSClient({ region: "eu-west-1", endpoint: emulator.endpoint, credentials: ACCOUNT });
  const create = async (label: string, app: string) => (await t.gql(CREATE, { input: { vaultId, templateId, label, namingValues: [{ name: "app", value: app }] } })).data.createManagedKey;

  beforeAll(async () => {
    emulator = await startAwsKmsEmulator({ region: "eu-west-1", identities: [ACCOUNT], wrappingKeyBits: { RSA_3072: true } });
    t = await startTestGateway(provider, { connectorTimeoutMs: 15_000, installBackoffBaseSeconds: 1, installBackoffMaxSeconds: 8 }, { clock });
    vaultId = (await t.gql(`mutation { createVault(input: { name: "backoff" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault.id;
    await t.gql(CONNECT, {
      input: { vaultId, name: "aws", groups: ["prod"], properties: { awsKms: { awsRegion: "eu-west-1", awsAccessKeyId: ACCOUNT.accessKeyId, awsSecretAccessKey: ACCOUNT.secretAccessKey, awsEndpoint: emulator.endpoint } } },
    });
    templateId = await createTemplate(t, { vaultId, name: "backoff", type: "aws_kms", group: "prod", namingScheme: "uko/<app>" });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await emulator?.close();
  });

  it("reads the backoff settings, with defaults", () => {
    expect(loadConfig({})).toMatchObject({ installBackoffBaseSeconds: 30, installBackoffMaxSeconds: 3600 });
    expect(loadConfig({ UKO_INSTALL_BACKOFF_BASE_S: "5", UKO_INSTALL_BACKOFF_MAX_S: "600" })).toMatchObject({ installBackoffBaseSeconds: 5, installBackoffMaxSeconds: 600 });
  });

  it("refuses a key whose name another managed key already has in its keystores, naming that key, and creates nothing", async () => {
    const first = await create(`first-${provider}`, `shared${provider}`);
    expect(first.__typename).toBe("CreateManagedKeySuccess");
    const before = await t.gateway.database.db.managedKey.count();
    const second = await create(`second-${provider}`, `shared${provider}`);
    expect(second).toMatchObject({ __typename: "KeyNameTakenError", code: "KEY_NAME_TAKEN", nameInKeystores: `uko/shared${provider}`, otherKeyId: first.managedKey.id, otherKeyLabel: `first-${provider}` });
    expect(await t.gateway.database.db.managedKey.count()).toBe(before);
    // Another name is fine.
    expect((await create(`third-${provider}`, `other${provider}`)).__typename).toBe("CreateManagedKeySuccess");
  });

  it("backs off a key that cannot install, searches the account at most once per attempt, keeps the error, and installs once the name is free", async () => {
    // Someone else's key holds the alias the gateway's key will want.
    const client = kms();
    const foreign = await client.send(new CreateKeyCommand({ Description: "not managed by UKO" }));
    await client.send(new CreateAliasCommand({ AliasName: `alias/uko/blocked${provider}`, TargetKeyId: foreign.KeyMetadata!.KeyId! }));

    const key = (await create(`blocked-${provider}`, `blocked${provider}`)).managedKey;
    const activated = (await t.gql(lifecycle("activate"), { input: { id: key.id, expectedVersion: key.version } })).data.activateManagedKey.managedKey;
    const firstError = activated.statusInKeystores[0].error as string;
    expect(activated.statusInKeystores[0]).toMatchObject({ status: "ERROR", syncFlag: "ERROR", pending: true });
    expect(firstError).toContain(`alias/uko/blocked${provider}`);

    const ours = () => emulator.inspect.requests().filter((r) => r.accessKeyId === ACCOUNT.accessKeyId);
    const start = ours().length;
    const listsPerRound: number[] = [];
    // 20 rounds, one simulated second apart.
    for (let second = 1; second <= 20; second++) {
      clock.offsetMs += 1_000;
      const before = ours().length;
      await t.gateway.services.keys.syncRound();
      listsPerRound.push(ours().slice(before).filter((r) => r.operation === "ListKeys").length);
      const status = (await t.gql(STATUS, { id: key.id })).data.managedKey.statusInKeystores[0];
      // The reason stays visible between attempts, and after each failed one.
      expect(status).toMatchObject({ status: "ERROR", syncFlag: "ERROR", pending: true, error: firstError });
    }
    // Attempts at +1 s, +3 s, +7 s and +15 s (waits of 1, 2, 4, 8 s, capped at 8 s): four, not twenty.
    expect(listsPerRound.filter((n) => n > 0)).toHaveLength(4);
    expect(Math.max(...listsPerRound)).toBe(1);
    const window = ours().slice(start);
    const perAttempt = window.length / 4;
    expect(window.filter((r) => r.operation === "ListKeys")).toHaveLength(4);
    expect(perAttempt).toBeLessThan(15);
    const waiting = (await t.gql(STATUS, { id: key.id })).data.managedKey.statusInKeystores[0];
    expect(waiting.failedAttempts).toBe(5);
    expect(Date.parse(waiting.retryAfter) - clock.now().getTime()).toBeGreaterThan(0);
    expect(Date.parse(waiting.retryAfter) - clock.now().getTime()).toBeLessThanOrEqual(8_000);

    // The name is freed: the next due attempt installs it and clears the error and the backoff.
    await client.send(new DeleteAliasCommand({ AliasName: `alias/uko/blocked${provider}` }));
    client.destroy();
    clock.offsetMs += 8_000;
    await t.gateway.services.keys.syncRound();
    const done = (await t.gql(KEY, { id: key.id })).data.managedKey.statusInKeystores[0];
    expect(done).toMatchObject({ status: "ACTIVE", syncFlag: "OK", error: null, pending: false });
    const row = await t.gateway.database.db.keyInstance.findFirstOrThrow({ where: { managedKeyId: key.id } });
    expect(row).toMatchObject({ failedAttempts: 0, retryAfter: null });
  }, 120_000);
});
