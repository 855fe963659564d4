import { createServer, type Server, type Socket } from "node:net";
import { ConnectorError, type ConnectionCheck, type ConnectorSession, type PropertyValues } from "@uko/connector-sdk";
import { createTestTls } from "@uko/emulator-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import googleKms from "../src/index.js";
import { GOOGLE_PERMISSIONS } from "../src/permissions.js";
import { keyFileBase64, onRealGoogle, openTarget, propertiesFor, testHost, type Target } from "./target.js";

let target: Target;
beforeAll(async () => {
  target = await openTarget();
});
afterAll(() => target?.close());

async function runTest(properties: PropertyValues, host = testHost()) {
  const session: ConnectorSession = await googleKms.connect(properties, host);
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

describe("google_kms connection test", () => {
  it("checks reachability, authentication, the key ring and every permission, changing nothing", async () => {
    const report = await runTest(target.properties);
    expect(byName(report.checks, "reachability")?.outcome).toBe("passed");
    expect(byName(report.checks, "authentication")?.outcome).toBe("passed");
    expect(byName(report.checks, "key_ring")?.outcome).toBe("passed");
    for (const { name } of GOOGLE_PERMISSIONS) expect(byName(report.checks, `permission:${name}`)?.outcome, name).toBe("passed");
    expect(report.account).toBe(target.properties.google_project_id);
    if (target.emulator) expect(target.emulator.inspect.counts()).toEqual({ cryptoKeys: 0, importJobs: 0 });
  });

  it.skipIf(onRealGoogle)("lists each permission the service account lacks by its Google name", async () => {
    const emulator = target.emulator!;
    const missing = ["cloudkms.importJobs.useToImport", "cloudkms.cryptoKeyVersions.destroy"];
    const limited = emulator.addServiceAccount({ name: "uko-limited", permissions: GOOGLE_PERMISSIONS.map((p) => p.name).filter((n) => !missing.includes(n)) });
    const report = await runTest(propertiesFor(emulator, limited));
    const failed = report.checks.filter((c) => c.outcome === "failed").map((c) => c.permission);
    expect(failed.sort()).toEqual([...missing].sort());
    expect(byName(report.checks, "permission:cloudkms.importJobs.useToImport")!.message).toMatch(/Cloud KMS Admin and Cloud KMS Crypto Operator/);
  });

  it("a key ring that does not exist is a failed check that says so, and permissions are skipped", async () => {
    const report = await runTest({ ...target.properties, google_key_ring: "uko-no-such-ring" });
    const ring = byName(report.checks, "key_ring")!;
    expect(ring.outcome).toBe("failed");
    expect(ring.message).toMatch(/uko-no-such-ring does not exist/);
    expect(report.checks.filter((c) => c.kind === "permission").every((c) => c.outcome === "skipped")).toBe(true);
  });

  it.skipIf(onRealGoogle)("a key file of another project looks for the key ring in that project, and says it is not there", async () => {
    const emulator = target.emulator!;
    const stranger = emulator.addServiceAccount({ name: "uko-stranger", projectId: "other-project", permissions: "*" });
    const report = await runTest(propertiesFor(emulator, stranger));
    const ring = byName(report.checks, "key_ring")!;
    expect(ring.outcome).toBe("failed");
    expect(ring.message).toMatch(/project other-project/);
  });

  it.skipIf(onRealGoogle)("an account without any role on the key ring: the key ring cannot be read and every permission is missing", async () => {
    const emulator = target.emulator!;
    const powerless = emulator.addServiceAccount({ name: "uko-powerless", permissions: [] });
    const report = await runTest(propertiesFor(emulator, powerless));
    expect(byName(report.checks, "authentication")!.outcome).toBe("passed");
    expect(byName(report.checks, "key_ring")!.outcome).toBe("not_verifiable");
    expect(byName(report.checks, "key_ring")!.message).toMatch(/Permission 'cloudkms.keyRings.get' denied/);
    const permissions = report.checks.filter((c) => c.kind === "permission");
    expect(permissions).toHaveLength(GOOGLE_PERMISSIONS.length);
    expect(permissions.every((c) => c.outcome === "failed")).toBe(true);
  });

  it.skipIf(onRealGoogle)("a deleted service-account key is AUTHENTICATION_FAILED about the key file, and is not retried", async () => {
    const emulator = target.emulator!;
    const revoked = emulator.addServiceAccount({ name: "uko-revoked", permissions: "*" });
    emulator.deleteServiceAccountKey(revoked.private_key_id);
    const before = emulator.inspect.requests().length;
    const error = await failure(runTest(propertiesFor(emulator, revoked)));
    expect(error.code).toBe("AUTHENTICATION_FAILED");
    expect(error.properties).toEqual(["google_credentials"]);
    expect(error.message).not.toContain("PRIVATE KEY");
    expect(emulator.inspect.requests().length - before).toBe(1);
  });

  it.skipIf(onRealGoogle)("an emulator whose CA is not the trusted one is UNREACHABLE", async () => {
    const error = await failure(runTest({ ...target.properties, google_trusted_ca: createTestTls().caPem }, testHost({ timeoutMs: 3_000 })));
    expect(error.code).toBe("UNREACHABLE");
  });

  describe("an endpoint that does not answer", () => {
    let silent: Server;
    let port: number;
    let otherCa: string;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      otherCa = createTestTls().caPem;
      silent = createServer((socket) => sockets.add(socket));
      await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
      port = (silent.address() as { port: number }).port;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    /** Only the test's own time is measured: making a client (the SDK's protos, the first time) is not the call. */
    async function timedTest(endpoint: string, timeoutMs?: number) {
      const properties = { ...target.properties, google_api_endpoint: endpoint, google_trusted_ca: otherCa };
      const session = await googleKms.connect(properties, testHost());
      const host = testHost(timeoutMs ? { timeoutMs } : {});
      const started = Date.now();
      try {
        return { error: await failure(session.test(host)), elapsed: Date.now() - started };
      } finally {
        await session.close?.();
      }
    }

    it("a black hole is UNREACHABLE within the deadline, not after gax's 60 s", async () => {
      const { error, elapsed } = await timedTest(`127.0.0.1:${port}`, 600);
      expect(error.code).toBe("UNREACHABLE");
      expect(elapsed).toBeLessThan(2_000);
    });
  });
});

describe.skipIf(onRealGoogle)("google_kms retries", () => {
  it("retries UNAVAILABLE and RESOURCE_EXHAUSTED with backoff, then succeeds", async () => {
    const emulator = target.emulator!;
    emulator.faults.inject({ kind: "unavailable", operation: "GetKeyRing", times: 1 });
    emulator.faults.inject({ kind: "resource_exhausted", operation: "GetKeyRing", times: 1 });
    const before = emulator.inspect.requests().filter((r) => r.method === "GetKeyRing").length;
    const host = testHost();
    const report = await runTest(target.properties, host);
    expect(byName(report.checks, "key_ring")!.outcome).toBe("passed");
    expect(emulator.inspect.requests().filter((r) => r.method === "GetKeyRing").length - before).toBe(3);
    expect(host.lines.filter((l) => l.includes("retrying a remote call"))).toHaveLength(2);
    // Nothing of the key file reaches the log.
    expect(host.lines.join("\n")).not.toMatch(/PRIVATE KEY|private_key/);
  });

  it("gives up after the policy's attempts: UNREACHABLE for Google's DEADLINE_EXCEEDED", async () => {
    const emulator = target.emulator!;
    emulator.faults.inject({ kind: "deadline_exceeded", operation: "GetKeyRing" });
    try {
      expect((await failure(runTest(target.properties, testHost({ maxAttempts: 2 })))).code).toBe("UNREACHABLE");
    } finally {
      emulator.faults.clear();
    }
  });
});
