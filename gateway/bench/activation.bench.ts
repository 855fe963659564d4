/**
 * `npm run bench`: activating one managed key in 5 AWS keystores (5 accounts) against 1, with
 * 25 ms of latency added to every AWS call by the emulator, in the same run. Parallel activation
 * keeps the ratio near 1; serial would make it 5. Also counts the AWS calls per keystore against
 * the protocol's minimum (CreateKey, GetParametersForImport, ImportKeyMaterial, CreateAlias).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAwsKmsEmulator } from "@uko/connector-aws-kms/emulator";
import pino from "pino";
import { loadConnectors } from "../src/connectors/registry.js";
import { createGateway } from "../src/server.js";

const LATENCY_MS = 25;
const ADMIN_TOKEN = `bench-admin-${randomBytes(24).toString("hex")}`;
const KEYS = 8;
const PROTOCOL_MINIMUM = 4;

const identities = Array.from({ length: 6 }, (_, i) => ({
  accessKeyId: `EMUKBENCHACCOUNT000${i}`,
  secretAccessKey: `bench/Secret+${String(i).repeat(27)}`,
  accountId: String(100000000000 + i),
}));
const emulator = await startAwsKmsEmulator({ region: "eu-west-1", identities, wrappingKeyBits: { RSA_3072: true } });
const dataDir = mkdtempSync(join(tmpdir(), "uko-bench-"));
const gateway = await createGateway(
  { port: 0, dataDir, databaseUrl: `file:${join(dataDir, "uko.db")}`, rootKey: randomBytes(32).toString("base64"), adminToken: ADMIN_TOKEN, rateLimitPerMinute: 0, connectors: [], healthIntervalSeconds: 0, connectorTimeoutMs: 30_000, logLevel: "silent" },
  {
    // In its own process, as the gateway runs it; UKO_CONNECTOR_ISOLATION=off to compare in-process.
    registry: await loadConnectors(["@uko/connector-aws-kms"], { isolation: process.env.UKO_CONNECTOR_ISOLATION !== "off", logger: { debug() {}, info() {}, warn() {}, error() {} } }),
    logger: pino({ level: "silent" }),
  },
);
const gql = async (query: string, variables: Record<string, unknown> = {}) => {
  const body = JSON.stringify({ query, variables });
  const res = await gateway.yoga.fetch("http://localhost/graphql", { method: "POST", headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), authorization: `Bearer ${ADMIN_TOKEN}` }, body });
  const json = (await res.json()) as { data: any; errors?: unknown };
  if (json.errors) throw new Error(JSON.stringify(json.errors));
  return json.data;
};

const vaultId = (await gql(`mutation { createVault(input: { name: "bench" }) { ... on CreateVaultSuccess { vault { id } } } }`)).createVault.vault.id;
for (const [i, id] of identities.entries()) {
  await gql(`mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { __typename } }`, {
    input: { vaultId, name: `aws-${i}`, groups: [i === 0 ? "one" : "five"], properties: { awsKms: { awsRegion: "eu-west-1", awsAccessKeyId: id.accessKeyId, awsSecretAccessKey: id.secretAccessKey, awsEndpoint: emulator.endpoint } } },
  });
}
const template = async (group: string) =>
  (
    await gql(`mutation($input: CreateKeyTemplateInput!) { createKeyTemplate(input: $input) { ... on CreateKeyTemplateSuccess { keyTemplate { id } } } }`, {
      input: { vaultId, name: `to-${group}`, key: { algorithm: "AES", size: "256", initialState: "PRE_ACTIVATION" }, namingScheme: `bench/${group}/<n>`, target: { keystoreType: "aws_kms", keystoreGroup: group } },
    })
  ).createKeyTemplate.keyTemplate.id;
const templates = { one: await template("one"), five: await template("five") };

let serial = 0;
/** Activates KEYS fresh keys one after the other; returns ms per activation and AWS calls per keystore. */
async function activations(group: "one" | "five", keystores: number) {
  const ids: { id: string; version: number }[] = [];
  for (let i = 0; i < KEYS; i++) {
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
    const statuses = out.activateManagedKey.managedKey.statusInKeystores as { status: string }[];
    if (statuses.length !== keystores || statuses.some((s) => s.status !== "ACTIVE")) throw new Error(`activation failed: ${JSON.stringify(statuses)}`);
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6 / KEYS;
  return { ms, callsPerKeystore: (emulator.inspect.requests().length - requestsBefore) / KEYS / keystores };
}

await activations("one", 1); // warm up: SDK clients, wrapping key, JIT
emulator.faults.inject({ kind: "latency", ms: LATENCY_MS });
const one = await activations("one", 1);
const five = await activations("five", 5);
emulator.faults.clear();

console.log(`activation of one AES key, AWS emulator with ${LATENCY_MS} ms per call, connector ${process.env.UKO_CONNECTOR_ISOLATION === "off" ? "in-process" : "isolated"}, ${process.version}`);
console.log(`  1 keystore: ${one.ms.toFixed(0)} ms   5 keystores: ${five.ms.toFixed(0)} ms   ratio: ${(five.ms / one.ms).toFixed(2)}x (goal ≤ 1.2)`);
console.log(`  AWS calls per keystore: ${five.callsPerKeystore.toFixed(1)} (protocol minimum ${PROTOCOL_MINIMUM})`);
await gateway.close();
await emulator.close();
rmSync(dataDir, { recursive: true, force: true });
