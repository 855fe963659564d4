/**
 * Activating one managed key in 5 AWS keystores (5 accounts) against 1, with latency added to
 * every AWS call by the emulator, in the same run. Parallel activation keeps the ratio near 1;
 * serial would make it 5. Also counts the AWS calls per keystore against the protocol's minimum
 * (CreateKey, GetParametersForImport, ImportKeyMaterial, CreateAlias).
 */
import awsKmsConnector from "@uko/connector-aws-kms";
import { startAwsKmsEmulator } from "@uko/connector-aws-kms/emulator";
import { figure, startBenchGateway, verdict, type BenchOptions } from "./support.js";

export const title = "activation in 1 and 5 AWS keystores";

const PROTOCOL_MINIMUM = 4;

export default async function activation({ quick }: BenchOptions): Promise<string[]> {
  const { latencyMs, one, five } = await measureActivation(quick);
  return [
    `activation of one AES key, AWS emulator with ${latencyMs} ms per call, ${process.version}`,
    `  ${figure("1 keystore", one.ms, " ms", 0)}   ${figure("5 keystores", five.ms, " ms", 0)}   ${verdict("5 keystores / 1", five.ms / one.ms, { atMost: 1.2 })}`,
    `  ${figure("AWS calls per keystore", five.callsPerKeystore, "", 1, `the protocol minimum, ${PROTOCOL_MINIMUM}`)}`,
  ];
}

/** ms per activation in 1 and in 5 keystores; `isolation` loads the connector as in production (see startBenchGateway). */
export async function measureActivation(quick: boolean, isolation?: boolean) {
  const latencyMs = quick ? 5 : 25;
  const keys = quick ? 2 : 8;
  const identities = Array.from({ length: 6 }, (_, i) => ({
    accessKeyId: `EMUKBENCHACCOUNT000${i}`,
    secretAccessKey: `bench/Secret+${String(i).repeat(27)}`,
    accountId: String(100000000000 + i),
  }));
  const emulator = await startAwsKmsEmulator({ region: "eu-west-1", identities, wrappingKeyBits: { RSA_3072: true } });
  const bench = await startBenchGateway({ "@uko/connector-aws-kms": awsKmsConnector }, 30_000, {}, isolation).catch(async (error: unknown) => {
    await emulator.close();
    throw error;
  });
  try {
    const { gql } = bench;
    const vaultId = (await gql(`mutation { createVault(input: { name: "bench" }) { ... on CreateVaultSuccess { vault { id } } } }`)).createVault.vault.id;
    for (const [i, id] of identities.entries()) {
      const connected = await gql(`mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { __typename } }`, {
        input: { vaultId, name: `aws-${i}`, groups: [i === 0 ? "one" : "five"], properties: { awsKms: { awsRegion: "eu-west-1", awsAccessKeyId: id.accessKeyId, awsSecretAccessKey: id.secretAccessKey, awsEndpoint: emulator.endpoint } } },
      });
      if (connected.connectKeystore.__typename !== "ConnectKeystoreSuccess") throw new Error(`connecting keystore aws-${i} failed: ${connected.connectKeystore.__typename}`);
    }
    const template = async (group: string) =>
      (
        await gql(`mutation($input: CreateKeyTemplateInput!) { createKeyTemplate(input: $input) { ... on CreateKeyTemplateSuccess { keyTemplate { id } } } }`, {
          input: { vaultId, name: `to-${group}`, key: { algorithm: "AES", size: "256", initialState: "PRE_ACTIVATION" }, namingScheme: `bench/${group}/<n>`, targets: [{ keystoreType: "aws_kms", keystoreGroup: group }] },
        })
      ).createKeyTemplate.keyTemplate.id;
    const templates = { one: await template("one"), five: await template("five") };

    let serial = 0;
    /** Activates `keys` fresh keys one after the other; returns ms per activation and AWS calls per keystore. */
    const activations = async (group: "one" | "five", keystores: number) => {
      const ids: { id: string; version: number }[] = [];
      for (let i = 0; i < keys; i++) {
        const created = await gql(`mutation($input: CreateManagedKeyInput!) { createManagedKey(input: $input) { ... on CreateManagedKeySuccess { managedKey { id version } } } }`, {
          input: { vaultId, templateId: templates[group], label: `k-${group}-${serial}`, namingValues: [{ name: "n", value: `k${serial++}` }] },
        });
        ids.push(created.createManagedKey.managedKey);
      }
      const requestsBefore = emulator.inspect.requests().length;
      const start = process.hrtime.bigint();
      for (const key of ids) {
        const out = await gql(`mutation($input: ActivateManagedKeyInput!) { activateManagedKey(input: $input) { ... on ActivateManagedKeySuccess { managedKey { usable statusInKeystores { status } } } } }`, {
          input: { id: key.id, expectedVersion: key.version },
        });
        const statuses = out.activateManagedKey.managedKey?.statusInKeystores as { status: string }[] | undefined;
        if (statuses?.length !== keystores || statuses.some((s) => s.status !== "ACTIVE")) throw new Error(`activation failed: ${JSON.stringify(out.activateManagedKey)}`);
      }
      const ms = Number(process.hrtime.bigint() - start) / 1e6 / keys;
      return { ms, callsPerKeystore: (emulator.inspect.requests().length - requestsBefore) / keys / keystores };
    };

    await activations("one", 1); // warm up: SDK clients, wrapping key, JIT
    emulator.faults.inject({ kind: "latency", ms: latencyMs });
    const one = await activations("one", 1);
    const five = await activations("five", 5);
    emulator.faults.clear();
    return { latencyMs, one, five };
  } finally {
    await bench.close();
    await emulator.close();
  }
}
