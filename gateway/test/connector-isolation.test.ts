import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { ConnectorError, type ConnectorLogger } from "@uko/connector-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withSession } from "../src/connectors/invoke.js";
import { errorFields, startTestGateway, type TestGateway } from "./harness.js";

/**
 * Connectors run in their own processes (docs/isolation.md). A fixture connector fails in each
 * way that used to take the gateway down or stall it; each time its call fails with UNAVAILABLE
 * in bounded time, the gateway and the other connectors keep answering, and the next call works
 * in the restarted process. A canary secret it prints and crashes with is found nowhere.
 */
const FIXTURE = fileURLToPath(new URL("./fixtures/connectors/misbehaving/index.mjs", import.meta.url));
const SECRET = `canary-${randomBytes(12).toString("hex")}`;
// Generous: the test machine's cores are shared; the check that matters is that probes finish while the connector still misbehaves.
const PROMPT_MS = 3_000;
const FAIL_WITHIN_MS = 15_000;

const TEST = `mutation($input: TestKeystoreConnectionInput!) { testKeystoreConnection(input: $input) {
  ... on TestKeystoreConnectionSuccess { test { ok health message checks { name outcome message } } }
  ${errorFields("ValidationError", "NotFoundError")} } }`;

const quiet: ConnectorLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe("connector isolation", () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway("sqlite", { connectorTimeoutMs: 20_000 }, {
      extraConnectors: [
      { name: FIXTURE, isolationOptions: { memoryLimitMb: 64, heartbeatIntervalMs: 200, heartbeatTimeoutMs: 4_000, backoffMs: 50 } },
    ]});
  });
  afterAll(() => t?.close());

  const fixtureTest = (behaviour: string, instance = "one") => {
    const connector = t.gateway.services.registry.get("fixture_misbehaving")!;
    const properties = { fixture_instance: instance, fixture_secret: SECRET, fixture_behaviour: behaviour };
    return withSession(connector, properties, [SECRET], { timeoutMs: 30_000, logger: quiet }, (session, host) => session.test(host));
  };

  /** Times `probe`; it must answer while a connector is failing. */
  const timed = async <T>(probe: () => Promise<T>): Promise<{ ms: number; value: T }> => {
    const started = performance.now();
    const value = await probe();
    return { ms: performance.now() - started, value };
  };

  const probes = async () => {
    const health = await timed(() => t.fetch("/healthz"));
    expect(health.value.status).toBe(200);
    expect(health.ms).toBeLessThan(PROMPT_MS);
    const query = await timed(() => t.gql(`{ keystores { totalCount } }`));
    expect(query.value.data.keystores.totalCount).toBeGreaterThanOrEqual(0);
    expect(query.ms).toBeLessThan(PROMPT_MS);
    // Another connector keeps working (the reference one, in the gateway's process, and AWS's in its own).
    const reference = await timed(() => t.gql(TEST, { input: { properties: { reference: { referenceInstance: "bystander", referenceApiKey: "correct-horse-battery" } } } }));
    expect(reference.value.data.testKeystoreConnection.test.ok).toBe(true);
    expect(reference.ms).toBeLessThan(PROMPT_MS);
    const awsValidation = await timed(() =>
      t.gql(TEST, { input: { properties: { awsKms: { awsRegion: "us_east_1", awsAccessKeyId: "AKIDTEST", awsSecretAccessKey: "x", awsEndpoint: "ftp://nowhere" } } } }),
    );
    // Its validate function runs in its own process, which the fixture's crash does not touch.
    expect(awsValidation.value.data.testKeystoreConnection.__typename).toBe("ValidationError");
    expect(awsValidation.ms).toBeLessThan(PROMPT_MS);
  };

  it("answers through the proxy like an in-process connector", async () => {
    await expect(fixtureTest("none")).resolves.toMatchObject({ account: "fixture" });
  });

  it.each([
    ["throws in a timer", "timer_throw", "it crashed"],
    ["leaves a rejection unhandled", "unhandled_rejection", "it crashed"],
    ["calls process.exit", "exit", "it called process.exit"],
    ["spins the CPU forever", "spin", "it stopped responding"],
    ["leaks memory until the limit", "leak", "it ran out of memory"],
  ])("survives a connector that %s", async (_, behaviour, reason) => {
    const started = performance.now();
    let settled = false;
    const failing = fixtureTest(behaviour).then(
      () => undefined,
      (error: unknown) => error,
    ).finally(() => (settled = true));
    // Probe while the connector misbehaves (a spinning one is killed only after its heartbeat timeout).
    await new Promise((resolve) => setTimeout(resolve, 100));
    await probes();
    // A stalled connector did not stall the gateway: it answered before the connector was given up on.
    if (behaviour === "spin") expect(settled).toBe(false);
    const error = await failing;
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe("UNAVAILABLE");
    expect((error as ConnectorError).message).toBe(`The Misbehaving fixture connector stopped (${reason}) and is being restarted; try again shortly`);
    expect((error as ConnectorError).message).not.toContain(SECRET);
    expect(elapsed).toBeLessThan(FAIL_WITHIN_MS);
    await probes();
    // The session is opened again in the restarted process, transparently.
    await expect(fixtureTest("none")).resolves.toMatchObject({ account: "fixture" });
  });

  it("reopens a session that outlived its process", async () => {
    const connector = t.gateway.services.registry.get("fixture_misbehaving")!;
    const properties = { fixture_instance: "reused", fixture_secret: SECRET, fixture_behaviour: "none" };
    const host = () => ({ logger: quiet, clock: { now: () => new Date() }, signal: new AbortController().signal, deadline: new Date(Date.now() + 10_000), callTimeoutMs: 10_000, retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const session = await connector.definition.connect(properties, host());
    await expect(session.test(host())).resolves.toMatchObject({ account: "fixture" });
    await expect(fixtureTest("exit")).rejects.toMatchObject({ code: "UNAVAILABLE" });
    await expect(session.test(host())).resolves.toMatchObject({ account: "fixture" });
    await session.close?.();
  });

  it("keeps a canary secret out of the gateway's logs, output, responses and errors", async () => {
    const written: string[] = [];
    const original = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
    process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => (written.push(String(chunk)), original.out(chunk as never, ...(rest as [])))) as typeof process.stdout.write;
    process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => (written.push(String(chunk)), original.err(chunk as never, ...(rest as [])))) as typeof process.stderr.write;
    try {
      const logsBefore = t.logs.length;
      const response = await t.gql(TEST, { input: { properties: { fixtureMisbehaving: { fixtureInstance: "canary", fixtureSecret: SECRET, fixtureBehaviour: "canary" } } } });
      const outcome = response.data.testKeystoreConnection.test;
      expect(outcome).toMatchObject({ ok: false, health: "NOT_RESPONDING" });
      expect(outcome.message).toMatch(/stopped \(it crashed\) and is being restarted/);
      // Let the last output lines of the dead process arrive.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const logs = t.logs.slice(logsBefore).join("\n");
      // What the connector printed, logged and crashed with reached the log, redacted.
      expect(logs).toContain("stdout has the secret [REDACTED]");
      expect(logs).toContain("stderr has the secret [REDACTED]");
      expect(logs).toContain("and in two parts [REDACTED] done");
      expect(logs).toContain("the logger is handed [REDACTED]");
      expect(logs).toContain("crashed holding [REDACTED]");
      expect(logs).not.toContain(SECRET);
      expect(t.responses.join("\n")).not.toContain(SECRET);
      expect(written.join("")).not.toContain(SECRET);
      // Nor any half of it (a naive redactor misses a secret split across two writes).
      expect(logs).not.toContain(SECRET.slice(6));
    } finally {
      process.stdout.write = original.out;
      process.stderr.write = original.err;
    }
    await expect(fixtureTest("none")).resolves.toMatchObject({ account: "fixture" });
  });
});
