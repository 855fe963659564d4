import { randomUUID } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { ConnectorError, type ConnectionCheck, type ConnectorSession, type PropertyValues } from "@uko/connector-sdk";
import { createTestTls } from "@uko/emulator-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import azure from "../src/index.js";
import { KEY_PERMISSIONS, startAzureKeyVaultEmulator } from "../src/emulator/index.js";
import { KEK_NAME } from "../src/kek.js";
import { AZURE_PERMISSIONS } from "../src/permissions.js";
import { sdkClient } from "./sdk-clients.js";
import { onRealAzure, openTarget, propertiesFor, testHost, type Target } from "./target.js";

let target: Target;
beforeAll(async () => {
  target = await openTarget();
});
afterAll(() => target?.close());

async function withSession<T>(properties: PropertyValues, fn: (session: ConnectorSession) => Promise<T>): Promise<T> {
  const session = await azure.connect(properties, testHost());
  try {
    return await fn(session);
  } finally {
    await session.close?.();
  }
}
const runTest = (properties: PropertyValues, host = testHost()) => withSession(properties, (s) => s.test(host));

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

const byName = (checks: readonly ConnectionCheck[], name: string) => checks.find((c) => c.name === name);

// The definition check, each missing permission, a closed port and throttling to the end are the
// conformance kit's (conformance.test.ts); these are Azure's own cases.
describe("azure_key_vault definition", () => {
  it("declares the ten key permissions and no AES", () => {
    expect(azure.requiredPermissions.map((p) => p.name).sort()).toEqual([...KEY_PERMISSIONS].sort());
    expect(azure.capabilities.algorithms.map((a) => a.algorithm)).toEqual(["rsa", "ec"]);
    expect(azure.description).toMatch(/AES/);
  });
});

describe("azure_key_vault connection test", () => {
  it("checks reachability, authentication, the ten permissions and the tier, without creating anything", async () => {
    const report = await runTest(target.properties);
    expect(byName(report.checks, "reachability")?.outcome).toBe("passed");
    expect(byName(report.checks, "authentication")?.outcome).toBe("passed");
    for (const { name } of AZURE_PERMISSIONS) expect(byName(report.checks, `permission:${name}`)?.outcome, name).toBe("passed");
    expect(byName(report.checks, "vault-tier")).toMatchObject({ outcome: "passed", message: expect.stringMatching(/Premium/) });
    if (target.emulator) {
      expect(byName(report.checks, "import-key")?.outcome).toBe("skipped");
      expect(target.emulator.inspect.keyCount()).toBe(0);
    }
  });

  it.skipIf(onRealAzure)("a wrong secret is AUTHENTICATION_FAILED explaining AADSTS7000215, about the secret, and not retried", async () => {
    const emulator = target.emulator!;
    const before = emulator.inspect.requests().filter((r) => r.operation === "token").length;
    const error = await failure(runTest({ ...target.properties, azure_service_principal_password: "not.the-right~secret" }));
    expect(error.code).toBe("AUTHENTICATION_FAILED");
    expect(error.message).toMatch(/AADSTS7000215: invalid client secret/);
    expect(error.properties).toEqual(["azure_service_principal_password"]);
    expect(error.message).not.toContain("not.the-right~secret");
    expect(emulator.inspect.requests().filter((r) => r.operation === "token").length - before).toBe(1);
  });

  it.skipIf(onRealAzure)("an unknown client id is AADSTS700016, application not found in tenant", async () => {
    const error = await failure(runTest({ ...target.properties, azure_service_principal_client_id: randomUUID() }));
    expect(error.code).toBe("AUTHENTICATION_FAILED");
    expect(error.message).toMatch(/AADSTS700016: application not found in tenant/);
    expect(error.properties).toContain("azure_service_principal_client_id");
  });

  it.skipIf(onRealAzure)("a wrong tenant id is told apart from the vault's tenant (the SDK refuses before asking Entra ID)", async () => {
    const error = await failure(runTest({ ...target.properties, azure_tenant: randomUUID() }));
    expect(error.code).toBe("AUTHENTICATION_FAILED");
    expect(error.message).toContain(`belongs to tenant ${target.emulator!.tenantId}`);
    expect(error.properties).toEqual(["azure_tenant"]);
  });

  it.skipIf(onRealAzure)("an authority host that does not know the tenant is AADSTS90002, tenant not found", async () => {
    // Another cloud's Entra ID: a second emulator with its own directory.
    const elsewhere = await startAzureKeyVaultEmulator({ tenantId: randomUUID() });
    try {
      const error = await failure(
        runTest({ ...target.properties, azure_authority_host: elsewhere.authorityHost, azure_trusted_ca: `${target.emulator!.caPem}\n${elsewhere.caPem}` }),
      );
      expect(error.code).toBe("AUTHENTICATION_FAILED");
      expect(error.message).toMatch(/AADSTS90002: tenant not found/);
      expect(error.properties).toContain("azure_tenant");
    } finally {
      await elsewhere.close();
    }
  });

  it.skipIf(onRealAzure)("a principal of another tenant than the vault's is told so", async () => {
    const emulator = target.emulator!;
    const stranger = { clientId: randomUUID(), clientSecret: "stranger.secret", tenantId: randomUUID() };
    emulator.setPrincipal(stranger);
    const error = await failure(runTest({ ...propertiesFor(emulator, stranger), azure_tenant: stranger.tenantId }));
    expect(error.code).toBe("AUTHENTICATION_FAILED");
    expect(error.message).toContain(`belongs to tenant ${emulator.tenantId}`);
    expect(error.properties).toEqual(["azure_tenant"]);
  });

  it.skipIf(onRealAzure)("a CA that did not sign the vault's certificate is a property problem, not a hang", async () => {
    const error = await failure(runTest({ ...target.properties, azure_trusted_ca: createTestTls().caPem }));
    expect(error.code).toBe("INVALID_PROPERTIES");
    expect(error.properties).toContain("azure_trusted_ca");
  });

  describe("an endpoint that does not answer", () => {
    let silent: Server;
    let port: number;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
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
      const error = await failure(runTest({ ...target.properties, azure_vault_url: `https://127.0.0.1:${port}` }, testHost({ timeoutMs: 500 })));
      expect(error.code).toBe("UNREACHABLE");
      expect(Date.now() - started).toBeLessThan(2_000);
    });
  });
});

describe.skipIf(onRealAzure)("azure_key_vault retries", () => {
  it("retries 429 and 5xx with the host's backoff, then succeeds", async () => {
    const emulator = target.emulator!;
    emulator.faults.inject({ kind: "throttle", operation: "getKeys", times: 1 });
    emulator.faults.inject({ kind: "server_error", status: 503, operation: "getKeys", times: 1 });
    const host = testHost();
    const report = await runTest(target.properties, host);
    expect(byName(report.checks, "permission:list")!.outcome).toBe("passed");
    expect(host.lines.filter((l) => l.includes("retrying a remote call"))).toHaveLength(2);
  });

  it("a token endpoint that fails once is retried", async () => {
    const emulator = target.emulator!;
    emulator.faults.inject({ kind: "reset", operation: "token", times: 1 });
    const report = await runTest(target.properties);
    expect(byName(report.checks, "authentication")!.outcome).toBe("passed");
  });

  it("a token endpoint that never answers ends at the deadline", async () => {
    const emulator = target.emulator!;
    emulator.faults.inject({ kind: "hang", operation: "token" });
    try {
      const started = Date.now();
      const error = await failure(runTest(target.properties, testHost({ timeoutMs: 600, callTimeoutMs: 200 })));
      expect(error.code).toBe("UNREACHABLE");
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      emulator.faults.clear();
    }
  });
});

describe.skipIf(onRealAzure)("a Standard vault", () => {
  it("fails the tier check in the test and is refused on connect with a typed error that says why", async () => {
    const standard = await startAzureKeyVaultEmulator({ sku: "standard" });
    try {
      const properties = propertiesFor(standard);
      const report = await runTest(properties);
      expect(byName(report.checks, "vault-tier")).toMatchObject({ outcome: "failed", message: expect.stringMatching(/Standard key vault.*only the Premium tier/) });
      const error = await failure(withSession(properties, (s) => s.onConnect!(testHost())));
      expect(error.code).toBe("UNSUPPORTED");
      expect(error.message).toMatch(/Premium/);
      expect(standard.inspect.keyVersions(KEK_NAME)).toEqual([]);
    } finally {
      await standard.close();
    }
  });
});

describe.skipIf(onRealAzure)("a key of the KEK's name that is not an import-only RSA-HSM key", () => {
  it("fails the test's import-key check and is not overwritten on connect", async () => {
    const emulator = await startAzureKeyVaultEmulator();
    try {
      await sdkClient(emulator).createKey(KEK_NAME, "EC-HSM", { curve: "P-256" });
      const properties = propertiesFor(emulator);
      const report = await runTest(properties);
      expect(byName(report.checks, "import-key")).toMatchObject({ outcome: "failed", message: expect.stringMatching(/not an import-only RSA-HSM key \(it is an EC-HSM key/) });
      const error = await failure(withSession(properties, (s) => s.onConnect!(testHost())));
      expect(error.code).toBe("CONFLICT");
      // The repair action refuses it too, with the reason and what to do.
      const repair = await failure(withSession(properties, (s) => s.repairKeystore!(testHost())));
      expect(repair.code).toBe("CONFLICT");
      expect(repair.message).toMatch(/not an import-only RSA-HSM key.*Delete and purge it in Azure/);
      expect(emulator.inspect.keyVersions(KEK_NAME).map((v) => v.kty)).toEqual(["EC-HSM"]);
    } finally {
      await emulator.close();
    }
  });
});

describe.skipIf(onRealAzure)("a missing KEK, before and after connecting", () => {
  it("is a step still to come for properties under test, and a failure naming the repair action for a connected keystore", async () => {
    const emulator = await startAzureKeyVaultEmulator();
    try {
      const properties = propertiesFor(emulator);
      const unconnected = await withSession(properties, (s) => s.test(testHost()));
      expect(byName(unconnected.checks, "import-key")).toMatchObject({ outcome: "skipped", message: expect.stringMatching(/does not exist yet/) });
      const connected = await withSession(properties, (s) => s.test(testHost(), { connected: true }));
      expect(byName(connected.checks, "import-key")).toMatchObject({
        outcome: "failed",
        message: expect.stringMatching(/has no key EKMF-BYOK-KEK-FOR-IMPORT.*"Recreate import key" action \(the repairKeystore mutation in the API\)/),
      });
      expect(emulator.inspect.keyVersions(KEK_NAME)).toEqual([]);
    } finally {
      await emulator.close();
    }
  });
});
