import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { startAwsKmsEmulator, type AwsKmsEmulator } from "@uko/connector-aws-kms/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, gatewayEntry, gatewayEnv, killAllGateways, postgresUnavailable, sleep, startGateway, type GatewayProcess } from "./process.js";

/**
 * Three replicas of the built gateway on one fresh PostgreSQL database and the AWS emulator. 50
 * keys are activated across 5 keystores while one replica is SIGKILLed in the middle of its
 * activations (and later restarted). Then: every key converges; every remote copy exists once
 * (the emulator's key count and CreateKey log); a subscriber on replica 1 saw the work replica 3
 * did; each keystore's health check ran about once per interval, not once per replica; and the
 * audit chain the three wrote together verifies.
 */
const unavailable = await postgresUnavailable();
const ACCOUNTS = [1, 2, 3, 4, 5].map((i) => ({
  accessKeyId: `EMUKREPLICAS0000000${i}`,
  secretAccessKey: `replicas/Account+${i}`.padEnd(40, "0"),
  accountId: `55555555555${i}`,
  userName: `uko-replica-${i}`,
}));
const KEYS_PER_KEYSTORE = 10;
const HEALTH_INTERVAL_S = 3;
const STATUS = `query($id: ID!) { managedKey(id: $id) { id state statusInKeystores { status syncFlag pending keyIdInKeystore } } }`;

describe.skipIf(unavailable !== undefined)(`three replicas on one PostgreSQL${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  let emulator: AwsKmsEmulator;
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let workDir: string;
  const envOf: NodeJS.ProcessEnv[] = [];
  const replicas: GatewayProcess[] = [];

  beforeAll(async () => {
    emulator = await startAwsKmsEmulator({ region: "eu-west-1", identities: ACCOUNTS, wrappingKeyBits: { RSA_3072: true } });
    database = await createDatabase("uko_replicas");
    workDir = mkdtempSync(join(tmpdir(), "uko-replicas-"));
    const shared = {
      PORT: "0",
      DATABASE_URL: database.url,
      UKO_ROOT_KEY: randomBytes(32).toString("base64"),
      UKO_ADMIN_TOKEN: `replicas_${randomBytes(24).toString("hex")}`,
      UKO_HEALTH_INTERVAL_S: String(HEALTH_INTERVAL_S),
      UKO_KEY_SYNC_INTERVAL_S: "2",
      UKO_CONNECTOR_TIMEOUT_MS: "5000",
      // A dead replica's work is taken over 8 s after it claimed it (the default is 35 s here).
      UKO_CLAIM_LEASE_MS: "8000",
      UKO_RATE_LIMIT_PER_MIN: "0",
      UKO_CONNECTORS: "@uko/connector-aws-kms",
      LOG_LEVEL: "info",
    };
    for (let i = 0; i < 3; i++) envOf.push(gatewayEnv({ ...shared, UKO_DATA_DIR: join(workDir, `replica-${i + 1}`) }));
    for (const env of envOf) replicas.push(await startGateway(env, workDir));
  }, 120_000);
  afterAll(async () => {
    await killAllGateways();
    await emulator?.close();
    await database?.drop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("activates 50 keys across replicas, one killed mid-way: all converge, each copy made once, events everywhere, health once per interval, audit verifies", async () => {
    const [one, two, three] = replicas as [GatewayProcess, GatewayProcess, GatewayProcess];
    const vaultId = (await one.gql(`mutation { createVault(input: { name: "replicas" }) { ... on CreateVaultSuccess { vault { id } } } }`)).createVault.vault.id;
    const keys: { id: string; version: number }[] = [];
    for (const [i, account] of ACCOUNTS.entries()) {
      // Spread over the replicas: any of them may serve any request.
      const on = replicas[i % 3]!;
      await on.gql(`mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { __typename } }`, {
        input: { vaultId, name: `aws-${i + 1}`, groups: [`g${i + 1}`], properties: { awsKms: { awsRegion: "eu-west-1", awsAccessKeyId: account.accessKeyId, awsSecretAccessKey: account.secretAccessKey, awsEndpoint: emulator.endpoint } } },
      });
      const templateId = (
        await on.gql(`mutation($input: CreateKeyTemplateInput!) { createKeyTemplate(input: $input) { ... on CreateKeyTemplateSuccess { keyTemplate { id } } } }`, {
          input: { vaultId, name: `tpl-${i + 1}`, key: { algorithm: "AES", size: "256", initialState: "PRE_ACTIVATION" }, namingScheme: `rep${i + 1}/<app>`, targets: [{ keystoreType: "aws_kms", keystoreGroup: `g${i + 1}` }] },
        })
      ).createKeyTemplate.keyTemplate.id;
      for (let k = 0; k < KEYS_PER_KEYSTORE; k++) {
        const created = await on.gql(`mutation($input: CreateManagedKeyInput!) { createManagedKey(input: $input) { ... on CreateManagedKeySuccess { managedKey { id version } } } }`, {
          input: { vaultId, templateId, label: `k${i + 1}-${k}`, namingValues: [{ name: "app", value: `k${k}` }] },
        });
        keys.push(created.createManagedKey.managedKey);
      }
    }
    const activate = (on: GatewayProcess, key: { id: string; version: number }) =>
      on.gql(`mutation($input: ActivateManagedKeyInput!) { activateManagedKey(input: $input) { __typename } }`, { input: { id: key.id, expectedVersion: key.version } });

    // A subscriber on replica 1 for the whole run.
    const seen = new Set<string>();
    const subscription = subscribe(one, vaultId, (id) => seen.add(id));

    // Replica 2 dies (SIGKILL) while its ten activations are inside AWS's slow import.
    const createKeys = () => emulator.inspect.requests().filter((r) => r.operation === "CreateKey" && r.status === 200).length;
    emulator.faults.inject({ kind: "latency", ms: 2000, operation: "ImportKeyMaterial" });
    const onTwo = keys.slice(0, 10);
    for (const key of onTwo) void activate(two, key).catch(() => undefined);
    for (let i = 0; i < 200 && createKeys() < 3; i++) await sleep(25);
    expect(createKeys()).toBeGreaterThanOrEqual(3);
    await two.kill();
    expect(two.exit?.signal).toBe("SIGKILL");
    emulator.faults.clear();

    // A client whose request died with replica 2 retries it elsewhere; one the dead replica had
    // accepted is finished by the others in the background once its claim's lease runs out.
    let leftByTwo = 0;
    for (const key of onTwo) {
      const now = (await one.gql(`query($id: ID!) { managedKey(id: $id) { state version } }`, { id: key.id })).managedKey;
      if (now.state === "PRE_ACTIVATION") await activate(one, { id: key.id, version: now.version });
      else leftByTwo++;
    }
    // Replica 2 had accepted some: their installs were in flight when it died, held by its claims.
    expect(leftByTwo).toBeGreaterThan(0);
    // The other 40, half on replica 1 and half on replica 3, five at a time.
    const rest = keys.slice(10);
    const onThree = new Set<string>();
    for (let i = 0; i < rest.length; i += 5) {
      await Promise.all(
        rest.slice(i, i + 5).map((key, j) => {
          const on = (i + j) % 2 === 0 ? one : three;
          if (on === three) onThree.add(key.id);
          return activate(on, key);
        }),
      );
    }
    // Replica 2 comes back on its data directory.
    replicas[1] = await startGateway(envOf[1]!, workDir);

    // Every key converges: active, its one keystore holding it, nothing pending.
    const deadline = Date.now() + 90_000;
    let statuses: { id: string; state: string; statusInKeystores: { status: string; syncFlag: string; pending: boolean; keyIdInKeystore: string }[] }[] = [];
    for (;;) {
      statuses = await Promise.all(keys.map(async (k) => (await three.gql(STATUS, { id: k.id })).managedKey));
      const done = statuses.every((s) => s.state === "ACTIVE" && s.statusInKeystores.length === 1 && s.statusInKeystores.every((i) => i.status === "ACTIVE" && i.syncFlag === "OK" && !i.pending));
      if (done || Date.now() > deadline) break;
      await sleep(500);
    }
    for (const s of statuses) expect(s).toMatchObject({ state: "ACTIVE", statusInKeystores: [{ status: "ACTIVE", syncFlag: "OK", pending: false }] });

    // Each copy exists exactly once: one key per managed key in AWS, one CreateKey each, all distinct.
    const copyIds = statuses.map((s) => s.statusInKeystores[0]!.keyIdInKeystore);
    expect(new Set(copyIds).size).toBe(50);
    expect(createKeys()).toBe(50);
    expect(emulator.inspect.keyCount()).toBe(50);
    for (const id of copyIds) expect(emulator.inspect.keyCheckValue(id)).toMatch(/^[0-9a-f]{6}$/);

    // The subscriber on replica 1 saw the keys replica 3 activated.
    for (const id of onThree) expect(seen.has(id), `an event for ${id} (activated on replica 3) reached replica 1`).toBe(true);
    subscription.stop();

    // Health checks: over three intervals, each keystore was tested about once per interval by
    // some replica, not three times (ListKeyPolicies is a probe only the connection test sends).
    const probes = () => emulator.inspect.requests().filter((r) => r.operation === "ListKeyPolicies");
    const before = probes().length;
    await sleep(HEALTH_INTERVAL_S * 3 * 1000);
    const window = probes().slice(before);
    const perKeystore = ACCOUNTS.map((account) => window.filter((r) => r.accessKeyId === account.accessKeyId).length);
    console.log(`replicas: ${leftByTwo} activations finished for the killed replica; ${createKeys()} CreateKey for 50 keys; health checks per keystore in ${HEALTH_INTERVAL_S * 3} s: ${perKeystore.join(", ")}`);
    for (const account of ACCOUNTS) {
      const n = window.filter((r) => r.accessKeyId === account.accessKeyId).length;
      expect(n, `health checks of ${account.accessKeyId} in three intervals`).toBeGreaterThanOrEqual(1);
      expect(n, `health checks of ${account.accessKeyId} in three intervals`).toBeLessThanOrEqual(5);
    }

    // The audit chain the three wrote together verifies.
    // SIGTERM: each drains and exits cleanly, well within its shutdown timeout.
    for (const r of replicas) expect(await r.stop(30_000)).toMatchObject({ code: 0, timedOut: false });
    const verified = await verifyAudit(envOf[0]!);
    expect(verified.output).toMatch(/audit chain intact: \d+ events/);
    expect(verified.code).toBe(0);
  }, 240_000);
});

/** An SSE subscription to managedKeyChanged on `gateway`, calling `onId` for every event. */
function subscribe(gateway: GatewayProcess, vaultId: string, onId: (id: string) => void) {
  const controller = new AbortController();
  void (async () => {
    const response = await fetch(new URL("/graphql", gateway.url), {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${gateway.adminToken}` },
      body: JSON.stringify({ query: `subscription($v: ID!) { managedKeyChanged(vaultId: $v) { id } }`, variables: { v: vaultId } }),
      signal: controller.signal,
    });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return;
      buffer += chunk.value;
      for (let m = /(?:^|\n)event: next\ndata: (.*)\n\n/.exec(buffer); m; m = /(?:^|\n)event: next\ndata: (.*)\n\n/.exec(buffer)) {
        buffer = buffer.slice(m.index + m[0].length);
        const id = (JSON.parse(m[1]!) as { data?: { managedKeyChanged?: { id: string } } }).data?.managedKeyChanged?.id;
        if (id) onId(id);
      }
    }
  })().catch(() => undefined);
  return { stop: () => controller.abort() };
}

/** `npm run audit:verify` against the shared database, with replica 1's environment. */
function verifyAudit(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const gatewayDir = dirname(dirname(gatewayEntry()));
  const tsx = createRequire(import.meta.url).resolve("tsx/cli");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsx, join(gatewayDir, "tools", "audit-verify.ts")], { cwd: gatewayDir, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (output += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (output += c));
    child.once("close", (code) => resolve({ code, output }));
  });
}
