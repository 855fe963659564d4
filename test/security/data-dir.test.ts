import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { gatewayEnv, killAllGateways, runUntilExit, startGateway } from "../e2e/process.js";

/**
 * Issue 10, items 9 and 11 against the built process: one gateway per SQLite data directory (a
 * second one refuses to start and names the first's pid; a lock left by a killed process is taken
 * over), and the database files readable by their owner only.
 */
describe("the SQLite data directory", () => {
  let workDir: string;
  let dataDir: string;
  const env = () =>
    gatewayEnv({
      PORT: "0",
      UKO_DATA_DIR: dataDir,
      UKO_ADMIN_TOKEN: `sec-admin-${randomBytes(20).toString("hex")}`,
      UKO_CONNECTORS: "@uko/connector-reference",
      UKO_KEY_SYNC_INTERVAL_S: "0",
      UKO_HEALTH_INTERVAL_S: "0",
      LOG_LEVEL: "warn",
    });
  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), "uko-sec-dir-"));
    dataDir = join(workDir, "data");
  });
  afterEach(killAllGateways);
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it("item 9: a second process on the same data directory refuses to start, naming the first's pid; the first keeps working", async () => {
    const first = await startGateway(env(), workDir);
    const second = await runUntilExit(env(), workDir);
    expect(second.exit.code).toBe(1);
    expect(second.output).toContain(`in use by another gateway process (pid ${first.child.pid})`);
    expect(second.output).toContain(dataDir);
    // The first is untouched: it still serves, and its audit chain holds.
    const chain = await first.gql(`{ auditChain { ok events } }`);
    expect(chain.auditChain.ok).toBe(true);
    await first.gql(`mutation { createVault(input: { name: "still-mine" }) { __typename } }`);
    const stopped = await first.stop();
    expect(stopped.code).toBe(0);
    expect(existsSync(join(dataDir, "gateway.lock"))).toBe(false);
    // Once it is gone, the next one starts.
    const third = await startGateway(env(), workDir);
    expect((await third.gql(`{ vaults { totalCount } }`)).vaults.totalCount).toBe(1);
    await third.stop();
  });

  it("item 9: a lock left by a killed process is taken over", async () => {
    const victim = await startGateway(env(), workDir);
    await victim.kill(); // SIGKILL: no chance to release the lock
    expect(JSON.parse(readFileSync(join(dataDir, "gateway.lock"), "utf8")).pid).toBe(victim.child.pid);
    const next = await startGateway(env(), workDir);
    expect(JSON.parse(readFileSync(join(dataDir, "gateway.lock"), "utf8")).pid).toBe(next.child.pid);
    await next.stop();
  });

  it("item 11: uko.db and its WAL and shared-memory files are created 0600", async () => {
    const fresh = join(workDir, "fresh");
    const gateway = await startGateway({ ...env(), UKO_DATA_DIR: fresh }, workDir);
    try {
      await gateway.gql(`mutation { createVault(input: { name: "wal" }) { __typename } }`);
      const modes = Object.fromEntries(
        ["uko.db", "uko.db-wal", "uko.db-shm"].filter((f) => existsSync(join(fresh, f))).map((f) => [f, (statSync(join(fresh, f)).mode & 0o777).toString(8)]),
      );
      expect(Object.keys(modes)).toEqual(expect.arrayContaining(["uko.db", "uko.db-wal"]));
      for (const mode of Object.values(modes)) expect(mode).toBe("600");
    } finally {
      await gateway.stop();
    }
  });
});
