import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAwsKmsEmulator, type AwsKmsEmulator } from "@uko/connector-aws-kms/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayEnv, killAllGateways, sleep, startGateway, type GatewayProcess } from "./process.js";

/**
 * "Nothing lost, nothing orphaned": the gateway process is killed (SIGKILL) in the middle of
 * activating a key in two AWS accounts. On restart it resumes the activation, finds the copies
 * AWS already created by their tags, and finishes them: one key per account, active, holding
 * the gateway's bytes, under the key's alias.
 */
const A = { accessKeyId: "EMUKCRASHACCOUNTA001", secretAccessKey: "crash/Account+A000000000000000000000001", accountId: "333333333333" };
const B = { accessKeyId: "EMUKCRASHACCOUNTB001", secretAccessKey: "crash/Account+B000000000000000000000001", accountId: "444444444444" };
const KEY_STATUS = `query($id: ID!) { managedKey(id: $id) { state usable nameInKeystores statusInKeystores { keystoreName status syncFlag pending keyIdInKeystore } } }`;

describe("a crash during activation", () => {
  let emulator: AwsKmsEmulator;
  let workDir: string;
  let env: NodeJS.ProcessEnv;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    emulator = await startAwsKmsEmulator({ region: "eu-west-1", identities: [A, B], wrappingKeyBits: { RSA_3072: true } });
    workDir = mkdtempSync(join(tmpdir(), "uko-crash-"));
    env = gatewayEnv({ PORT: "0", UKO_DATA_DIR: join(workDir, "data"), UKO_HEALTH_INTERVAL_S: "0", UKO_KEY_SYNC_INTERVAL_S: "0", LOG_LEVEL: "info" });
  });
  afterAll(async () => {
    await killAllGateways();
    await emulator?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("resumes on restart: each account ends with exactly one active copy of the key", async () => {
    gateway = await startGateway(env, workDir);
    const vaultId = (await gateway.gql(`mutation { createVault(input: { name: "crash" }) { ... on CreateVaultSuccess { vault { id } } } }`)).createVault.vault.id;
    for (const [name, id] of [["aws-a", A], ["aws-b", B]] as const) {
      await gateway.gql(`mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { __typename } }`, {
        input: { vaultId, name, groups: ["prod"], properties: { awsKms: { awsRegion: "eu-west-1", awsAccessKeyId: id.accessKeyId, awsSecretAccessKey: id.secretAccessKey, awsEndpoint: emulator.endpoint } } },
      });
    }
    const template = await gateway.gql(`mutation($input: CreateKeyTemplateInput!) { createKeyTemplate(input: $input) { ... on CreateKeyTemplateSuccess { keyTemplate { id } } } }`, {
      input: { vaultId, name: "crash", key: { algorithm: "AES", size: "256", initialState: "PRE_ACTIVATION" }, namingScheme: "crash/<app>", targets: [{ keystoreType: "aws_kms", keystoreGroup: "prod" }] },
    });
    const key = (
      await gateway.gql(`mutation($input: CreateManagedKeyInput!) { createManagedKey(input: $input) { ... on CreateManagedKeySuccess { managedKey { id version } } } }`, {
        input: { vaultId, templateId: template.createKeyTemplate.keyTemplate.id, label: "survivor", namingValues: [{ name: "app", value: "survivor" }] },
      })
    ).createManagedKey.managedKey;

    // AWS is slow to take the material: the gateway dies while both imports are in flight.
    emulator.faults.inject({ kind: "latency", ms: 1500, operation: "ImportKeyMaterial" });
    const keysBefore = emulator.inspect.keyCount();
    void gateway.gql(`mutation($input: ActivateManagedKeyInput!) { activateManagedKey(input: $input) { __typename } }`, { input: { id: key.id, expectedVersion: key.version } }).catch(() => undefined);
    const deadline = Date.now() + 10_000;
    while (emulator.inspect.keyCount() < keysBefore + 2 && Date.now() < deadline) await sleep(20);
    expect(emulator.inspect.keyCount()).toBe(keysBefore + 2);
    await sleep(200); // inside the import's latency
    await gateway.kill();
    expect(gateway.exit?.signal).toBe("SIGKILL");
    emulator.faults.clear();

    // Restarted on the same data: the pending activation is resumed in the background.
    gateway = await startGateway(env, workDir);
    let status: any;
    for (let i = 0; i < 100; i++) {
      status = (await gateway.gql(KEY_STATUS, { id: key.id })).managedKey;
      if (status.statusInKeystores.every((s: { pending: boolean }) => !s.pending)) break;
      await sleep(100);
    }
    expect(status).toMatchObject({ state: "ACTIVE", usable: true });
    for (const s of status.statusInKeystores) expect(s).toMatchObject({ status: "ACTIVE", syncFlag: "OK", pending: false });
    // Found again, never created twice: still exactly the two keys made before the crash.
    expect(emulator.inspect.keyCount()).toBe(keysBefore + 2);
    // The resume logs its count once the round ends, which can be just after the key reads as done.
    for (let i = 0; i < 50 && !/resumed interrupted key operations/.test(gateway.output); i++) await sleep(100);
    expect(gateway.output).toMatch(/resumed interrupted key operations/);
    // Both accounts hold the same material (the emulator's check value over the unwrapped bytes).
    const [a, b] = status.statusInKeystores.map((s: { keyIdInKeystore: string }) => emulator.inspect.keyCheckValue(s.keyIdInKeystore));
    expect(a).toMatch(/^[0-9a-f]{6}$/);
    expect(b).toBe(a);
    await gateway.stop();
  });
});
