import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayEnv, startGateway, type GatewayProcess } from "../e2e/process.js";

/**
 * `npm run new-connector -- <name> --dir <dir>` into a temporary directory: the package it writes
 * builds, passes the kit's static checks and loads into the built gateway, untouched.
 */

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
let work: string;
let dir: string;
let gateway: GatewayProcess | undefined;

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  return spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1", ...env }, timeout: 240_000 });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "uko-new-connector-"));
  dir = join(work, "acme-vault");
});
afterAll(async () => {
  await gateway?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("npm run new-connector", () => {
  it("writes a package, and refuses a bad name or a directory in use", () => {
    const made = run("npm", ["run", "--silent", "new-connector", "--", "acme-vault", "--dir", dir], repo);
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toContain("Wrote uko-connector-acme-vault (type acme_vault)");
    expect(readdirSync(dir).sort()).toEqual(["README.md", "package.json", "src", "test", "tsconfig.json", "vitest.config.ts"]);
    const again = run(process.execPath, [join(repo, "tools/new-connector.mjs"), "acme-vault", "--dir", dir], repo);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("exists and is not empty");
    const bad = run(process.execPath, [join(repo, "tools/new-connector.mjs"), "Acme_Vault", "--dir", join(work, "bad")], repo);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("lowercase letters, digits and single hyphens");
  });

  it("builds and passes the kit's static checks out of the box", () => {
    // Outside the repository: give it the SDK, the kit and the tools as an install would.
    for (const dep of ["@uko/connector-sdk", "@uko/connector-testkit", "vitest", "typescript", "@types/node"]) {
      mkdirSync(dirname(join(dir, "node_modules", dep)), { recursive: true });
      symlinkSync(join(repo, "node_modules", dep), join(dir, "node_modules", dep), "dir");
    }
    const build = run(process.execPath, [join(dir, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], dir);
    expect(build.status, build.stdout + build.stderr).toBe(0);
    const kit = run(process.execPath, [join(dir, "node_modules/vitest/vitest.mjs"), "run", "--reporter=verbose"], dir);
    expect(kit.status, kit.stdout + kit.stderr).toBe(0);
    expect(kit.stdout).toContain("passes the gateway's definition check and the kit's lint");
  }, 120_000);

  it("loads into the built gateway by path", async () => {
    gateway = await startGateway(gatewayEnv({ PORT: "0", UKO_DATA_DIR: join(work, "data"), UKO_CONNECTORS: dir, UKO_HEALTH_INTERVAL_S: "0", UKO_KEY_SYNC_INTERVAL_S: "0" }), work);
    const { keystoreTypes } = await gateway.gql<{ keystoreTypes: { type: string; properties: { name: string; secret: boolean }[] }[] }>("{ keystoreTypes { type properties { name secret } } }");
    expect(keystoreTypes).toEqual([{ type: "acme_vault", properties: [{ name: "acme_vault_endpoint", secret: false }, { name: "acme_vault_api_token", secret: true }] }]);
  });
});
