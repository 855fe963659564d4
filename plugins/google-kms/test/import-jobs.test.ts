import { type ConnectorHost } from "@uko/connector-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import googleKms from "../src/index.js";
import { materialFor } from "@uko/connector-testkit";
import { GOOGLE_PERMISSIONS } from "../src/permissions.js";
import { onRealGoogle, openTarget, propertiesFor, testHost, type Target } from "./target.js";
import { randomUUID } from "node:crypto";

/**
 * Import jobs live 3 days in Google and cannot be deleted: the connector reuses one per
 * protection level, adopts an earlier session's, and replaces it when it nears expiry.
 */
let target: Target;
beforeAll(async () => {
  target = await openTarget();
});
afterAll(() => target?.close());

/** A host on the emulator's clock, so that moving the clock moves the connector's notion of now too. */
function hostOnEmulatorClock(): ConnectorHost {
  const clock = target.emulator!.clock;
  return { ...testHost({ timeoutMs: 30_000 }), clock, deadline: new Date(clock.now().getTime() + 30_000) };
}

const createdJobs = () => target.emulator!.inspect.requests().filter((r) => r.method === "CreateImportJob" && r.code === 0).length;

async function installWith(session: Awaited<ReturnType<typeof googleKms.connect>>, host: ConnectorHost) {
  const spec = { algorithm: "hmac" as const, size: "256" };
  return session.keys!.installKey(
    { name: `uko-job-${randomUUID().slice(0, 8)}`, material: materialFor(spec), copy: { managedKeyId: randomUUID(), vaultId: randomUUID(), version: 1 }, options: { google_protection_level: "SOFTWARE" } },
    host,
  );
}

describe.skipIf(onRealGoogle)("google_kms import jobs", () => {
  it("are adopted by a new session, replaced near expiry, and an expired one is replaced on the spot", async () => {
    const first = await googleKms.connect(target.properties, hostOnEmulatorClock());
    await installWith(first, hostOnEmulatorClock());
    expect(createdJobs()).toBe(1);
    await first.close?.();

    // A new session (new properties version, a gateway restart) reuses the job that is still valid.
    const second = await googleKms.connect(target.properties, hostOnEmulatorClock());
    await installWith(second, hostOnEmulatorClock());
    expect(createdJobs()).toBe(1);

    // 2 days 13 hours later less than 12 hours are left: the session replaces the job before it expires.
    target.emulator!.clock.advance((2 * 24 + 13) * 3600_000);
    await installWith(second, hostOnEmulatorClock());
    expect(createdJobs()).toBe(2);
    await second.close?.();

    // A session that still holds a job Google has since expired gets FAILED_PRECONDITION once, and a new job.
    const third = await googleKms.connect(target.properties, hostOnEmulatorClock());
    await installWith(third, hostOnEmulatorClock());
    expect(createdJobs()).toBe(2);
    target.emulator!.clock.advance(3 * 24 * 3600_000);
    const lateHost = { ...hostOnEmulatorClock(), clock: { now: () => new Date(target.emulator!.clock.now().getTime() - 3 * 24 * 3600_000) } };
    const key = await installWith(third, { ...lateHost, deadline: new Date(lateHost.clock.now().getTime() + 30_000) });
    expect(key.state).toBe("enabled");
    expect(createdJobs()).toBe(3);
    await third.close?.();
  }, 90_000);

  it("without cloudkms.importJobs.list a session creates its own job and still installs", async () => {
    const emulator = target.emulator!;
    const account = emulator.addServiceAccount({ name: "uko-no-list", permissions: GOOGLE_PERMISSIONS.map((p) => p.name).filter((n) => n !== "cloudkms.importJobs.list") });
    const session = await googleKms.connect(propertiesFor(emulator, account), hostOnEmulatorClock());
    const before = createdJobs();
    const key = await installWith(session, hostOnEmulatorClock());
    expect(key.state).toBe("enabled");
    expect(createdJobs()).toBe(before + 1);
    await session.close?.();
  });
});
