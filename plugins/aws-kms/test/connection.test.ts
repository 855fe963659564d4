import { createServer, type Server, type Socket } from "node:net";
import { ConnectorError, type ConnectionCheck, type ConnectorSession, type PropertyValues } from "@uko/connector-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import awsKms from "../src/index.js";
import { AWS_PERMISSIONS } from "../src/permissions.js";
import { onRealAws, openTarget, propertiesFor, testHost, type Target } from "./target.js";

let target: Target;
beforeAll(async () => {
  target = await openTarget();
});
afterAll(() => target?.close());

async function runTest(properties: PropertyValues, host = testHost()) {
  const session: ConnectorSession = await awsKms.connect(properties, host);
  try {
    return await session.test(host);
  } finally {
    await session.close?.();
  }
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

const byName = (checks: readonly ConnectionCheck[], name: string) => checks.find((c) => c.name === name);

describe("aws_kms connection test", () => {
  it("checks reachability, authentication and every permission UKO needs, and learns the account", async () => {
    const report = await runTest(target.properties);
    expect(byName(report.checks, "reachability")?.outcome).toBe("passed");
    expect(byName(report.checks, "authentication")?.outcome).toBe("passed");
    for (const { name } of AWS_PERMISSIONS) {
      const check = byName(report.checks, `permission:${name}`);
      expect(check, name).toBeDefined();
      // CreateKey cannot be checked without creating a key; everything else is verified.
      expect(check!.outcome, name).toBe(name === "kms:CreateKey" ? "not_verifiable" : "passed");
    }
    if (target.emulator) {
      expect(report.account).toBe(target.emulator.accountId);
      // Nothing was created or changed in the account.
      expect(target.emulator.inspect.keyCount()).toBe(0);
    }
  });

  it.skipIf(onRealAws)("names each permission the principal lacks, and still learns the account from AWS's refusal", async () => {
    const emulator = target.emulator!;
    const limited = {
      accessKeyId: "EMUKUKOTESTLIMITED01",
      secretAccessKey: "limited/Secret+000000000000000000000000",
      userName: "uko-limited",
      allowedActions: AWS_PERMISSIONS.map((p) => p.name).filter((n) => n !== "kms:ImportKeyMaterial" && n !== "kms:ListKeys"),
    };
    emulator.setIdentity(limited);
    const report = await runTest(propertiesFor(emulator, limited));
    const failed = report.checks.filter((c) => c.outcome === "failed").map((c) => c.permission);
    expect(failed.sort()).toEqual(["kms:ImportKeyMaterial", "kms:ListKeys"]);
    expect(byName(report.checks, "permission:kms:ImportKeyMaterial")!.message).toContain("not authorized to perform: kms:ImportKeyMaterial");
    expect(byName(report.checks, "permission:kms:DescribeKey")!.outcome).toBe("passed");
    expect(report.account).toBe(emulator.accountId);
  });

  it.skipIf(onRealAws)("a wrong secret is AUTHENTICATION_FAILED about the secret, and is not retried", async () => {
    const emulator = target.emulator!;
    const before = emulator.inspect.requests().length;
    const error = await failure(runTest({ ...target.properties, aws_secret_access_key: "not/the+right0secret000000000000000000000" }));
    expect(error.code).toBe("AUTHENTICATION_FAILED");
    expect(error.properties).toEqual(["aws_secret_access_key"]);
    expect(error.message).not.toContain("not/the+right0secret");
    expect(emulator.inspect.requests().length - before).toBe(1);
  });

  it("an unknown access key id is AUTHENTICATION_FAILED saying AWS does not know it", async () => {
    const error = await failure(runTest({ ...target.properties, aws_access_key_id: "EMUKUKOUNKNOWN000000" }));
    expect(error.code).toBe("AUTHENTICATION_FAILED");
    expect(error.message).toMatch(/does not recognise the access key ID/);
    expect(error.properties).toEqual(["aws_access_key_id"]);
  });

  it.skipIf(onRealAws)("another region than the endpoint's is refused as a property problem", async () => {
    const error = await failure(runTest({ ...target.properties, aws_region: "us-west-2" }));
    expect(error.code).toBe("INVALID_PROPERTIES");
    expect(error.properties).toContain("aws_region");
  });

  describe("an endpoint that does not answer", () => {
    let silent: Server;
    let port: number;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      // Accepts connections and never answers: the worst case, a black hole.
      silent = createServer((socket) => sockets.add(socket));
      await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
      port = (silent.address() as { port: number }).port;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    it("is UNREACHABLE within the deadline", async () => {
      const started = Date.now();
      const error = await failure(runTest({ ...target.properties, aws_endpoint: `http://127.0.0.1:${port}` }, testHost({ timeoutMs: 400 })));
      expect(error.code).toBe("UNREACHABLE");
      expect(Date.now() - started).toBeLessThan(1_500);
    });

    it("a closed port is UNREACHABLE at once", async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
      const closedPort = (closed.address() as { port: number }).port;
      await new Promise((resolve) => closed.close(resolve));
      const error = await failure(runTest({ ...target.properties, aws_endpoint: `http://127.0.0.1:${closedPort}` }));
      expect(error.code).toBe("UNREACHABLE");
      expect(error.message).toMatch(/ECONNREFUSED|cannot be reached/);
    });
  });
});

describe.skipIf(onRealAws)("aws_kms retries", () => {
  it("retries throttling and 5xx with backoff, then succeeds", async () => {
    const emulator = target.emulator!;
    emulator.faults.inject({ kind: "throttle", operation: "ListKeys", times: 1 });
    emulator.faults.inject({ kind: "server_error", status: 500, operation: "ListKeys", times: 1 });
    const before = emulator.inspect.requests().filter((r) => r.operation === "ListKeys").length;
    const host = testHost();
    const report = await runTest(target.properties, host);
    expect(byName(report.checks, "permission:kms:ListKeys")!.outcome).toBe("passed");
    expect(emulator.inspect.requests().filter((r) => r.operation === "ListKeys").length - before).toBe(3);
    expect(host.lines.filter((l) => l.includes("retrying a remote call"))).toHaveLength(2);
  });

  it("gives up after the policy's attempts with THROTTLED", async () => {
    const emulator = target.emulator!;
    emulator.faults.inject({ kind: "throttle", operation: "ListKeys" });
    try {
      const error = await failure(runTest(target.properties, testHost({ maxAttempts: 2 })));
      expect(error.code).toBe("THROTTLED");
    } finally {
      emulator.faults.clear();
    }
  });

  it("a connection reset is retried", async () => {
    const emulator = target.emulator!;
    emulator.faults.inject({ kind: "reset", operation: "ListKeys", times: 1 });
    const report = await runTest(target.properties);
    expect(byName(report.checks, "permission:kms:ListKeys")!.outcome).toBe("passed");
  });

  it("an answer that never comes ends at the deadline, not later", async () => {
    const emulator = target.emulator!;
    emulator.faults.inject({ kind: "hang", operation: "ListKeys" });
    try {
      const started = Date.now();
      const error = await failure(runTest(target.properties, testHost({ timeoutMs: 300 })));
      expect(error.code).toBe("UNREACHABLE");
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      emulator.faults.clear();
    }
  });
});
