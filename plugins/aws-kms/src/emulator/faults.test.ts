process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

import { DependencyTimeoutException, DescribeKeyCommand, KMSClient, KMSInternalException, ListKeysCommand, NotFoundException } from "@aws-sdk/client-kms";
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAwsKmsEmulator, type AwsKmsEmulator } from "./index.js";

let emulator: AwsKmsEmulator;
let kms: KMSClient;

beforeAll(async () => {
  emulator = await startAwsKmsEmulator();
  kms = clientFor(emulator);
});
afterEach(() => emulator.faults.clear());
afterAll(async () => {
  kms?.destroy();
  await emulator?.close();
});

function clientFor(target: AwsKmsEmulator, extra: { requestTimeout?: number } = {}): KMSClient {
  const identity = target.identities[0]!;
  return new KMSClient({
    region: target.region,
    endpoint: target.endpoint,
    credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey },
    maxAttempts: 1,
    ...(extra.requestTimeout !== undefined ? { requestHandler: { requestTimeout: extra.requestTimeout, throwOnRequestTimeout: true } } : {}),
  });
}

async function failure(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number }; code?: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

const lastRecord = () => emulator.inspect.requests().at(-1);

describe("faults", () => {
  it("throttle: 400 ThrottlingException for the matching operation only, `times` times", async () => {
    emulator.faults.inject({ kind: "throttle", operation: "ListKeys", times: 2 });
    // Another operation is not affected.
    expect(await failure(kms.send(new DescribeKeyCommand({ KeyId: randomUUID() })))).toBeInstanceOf(NotFoundException);
    for (let i = 0; i < 2; i++) {
      const error = await failure(kms.send(new ListKeysCommand({})));
      expect(error.name).toBe("ThrottlingException");
      expect(error.$metadata?.httpStatusCode).toBe(400);
      expect(lastRecord()).toMatchObject({ operation: "ListKeys", status: 400, errorType: "ThrottlingException" });
    }
    expect((await kms.send(new ListKeysCommand({}))).$metadata.httpStatusCode).toBe(200);
  });

  it("a fault without `times` lasts until clear()", async () => {
    emulator.faults.inject({ kind: "throttle" });
    for (let i = 0; i < 3; i++) expect((await failure(kms.send(new ListKeysCommand({})))).name).toBe("ThrottlingException");
    emulator.faults.clear();
    await kms.send(new ListKeysCommand({}));
  });

  it("server_error: 500 KMSInternalException by default, 503 DependencyTimeoutException on request; the first matching fault decides", async () => {
    emulator.faults.inject({ kind: "server_error", times: 1 });
    emulator.faults.inject({ kind: "server_error", status: 503, times: 1 });
    const internal = await failure(kms.send(new ListKeysCommand({})));
    expect(internal).toBeInstanceOf(KMSInternalException);
    expect(internal.$metadata?.httpStatusCode).toBe(500);
    const timeout = await failure(kms.send(new ListKeysCommand({})));
    expect(timeout).toBeInstanceOf(DependencyTimeoutException);
    expect(timeout.$metadata?.httpStatusCode).toBe(503);
    await kms.send(new ListKeysCommand({}));
  });

  it("reset: the connection is destroyed without an answer, and the next request works", async () => {
    emulator.faults.inject({ kind: "reset", operation: "ListKeys", times: 1 });
    const error = await failure(kms.send(new ListKeysCommand({})));
    expect(error.$metadata?.httpStatusCode).toBeUndefined();
    expect(`${error.name} ${error.code ?? ""} ${error.message}`).toMatch(/ECONNRESET|socket hang up/);
    expect(lastRecord()).toMatchObject({ operation: "ListKeys", status: 0, errorType: "ConnectionReset" });
    await kms.send(new ListKeysCommand({}));
  });

  it("latency: the answer comes after the delay, and only `times` times", async () => {
    emulator.faults.inject({ kind: "latency", ms: 150, times: 1 });
    let started = Date.now();
    await kms.send(new ListKeysCommand({}));
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    started = Date.now();
    await kms.send(new ListKeysCommand({}));
    expect(Date.now() - started).toBeLessThan(145);
  });

  it("latency combines with another fault: delayed, then throttled", async () => {
    emulator.faults.inject({ kind: "latency", ms: 100, times: 1 });
    emulator.faults.inject({ kind: "throttle", times: 1 });
    const started = Date.now();
    expect((await failure(kms.send(new ListKeysCommand({})))).name).toBe("ThrottlingException");
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
  });

  it("hang: no answer until the client gives up (abort signal or request timeout)", async () => {
    emulator.faults.inject({ kind: "hang", operation: "ListKeys", times: 2 });
    let started = Date.now();
    const aborted = await failure(kms.send(new ListKeysCommand({}), { abortSignal: AbortSignal.timeout(200) }));
    expect(aborted.name).toMatch(/AbortError|TimeoutError/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(lastRecord()).toMatchObject({ operation: "ListKeys", status: 0, errorType: "NoResponse" });

    const impatient = clientFor(emulator, { requestTimeout: 200 });
    try {
      started = Date.now();
      const timedOut = await failure(impatient.send(new ListKeysCommand({})));
      expect(timedOut.name).toBe("TimeoutError");
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      impatient.destroy();
    }
    await kms.send(new ListKeysCommand({}));
  });

  it("close() returns promptly while a request hangs or waits out a latency fault", async () => {
    const doomed = await startAwsKmsEmulator();
    const client = clientFor(doomed);
    try {
      doomed.faults.inject({ kind: "hang", operation: "ListKeys" });
      doomed.faults.inject({ kind: "latency", ms: 60_000, operation: "DescribeKey" });
      const hanging = failure(client.send(new ListKeysCommand({})));
      const waiting = failure(client.send(new DescribeKeyCommand({ KeyId: randomUUID() })));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const started = Date.now();
      await doomed.close();
      expect(Date.now() - started).toBeLessThan(500);
      // Both clients see their connection end instead of waiting forever.
      expect((await hanging).$metadata?.httpStatusCode).toBeUndefined();
      expect((await waiting).$metadata?.httpStatusCode).toBeUndefined();
    } finally {
      client.destroy();
    }
  });

  it("refuses nonsense faults", () => {
    expect(() => emulator.faults.inject({ kind: "throttle", times: 0 })).toThrow(RangeError);
    expect(() => emulator.faults.inject({ kind: "latency", ms: -1 })).toThrow(RangeError);
  });
});
