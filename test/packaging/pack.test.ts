import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayEnv, startGateway, type GatewayProcess } from "../e2e/process.js";

/**
 * The SDK and the kit as a third party gets them: `npm pack` both, install the tarballs into a
 * project outside the repository (in the system's temporary directory, where Node cannot find the
 * monorepo's node_modules), build examples/connector-file there against them, run the kit on it,
 * and load it into the built gateway by path and by package name.
 *
 * Offline-safe: the tarballs are extracted into node_modules (what `npm install <tarball>` does
 * for packages without install scripts), and the tools the example needs besides them (vitest,
 * typescript, @types/node) are symlinked from the monorepo's node_modules instead of downloaded.
 */

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const exampleDir = join(repo, "examples/connector-file");
const tools = ["vitest", "typescript", "@types/node"];

let work: string;
let project: string;
const tarballs = { sdk: "", kit: "" };

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" }, timeout: 240_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return `${result.stdout}\n${result.stderr}`;
}

/** What `npm install <tarball>` leaves for a package without install scripts: its files under node_modules/<name>. */
function installTarball(tarball: string, into: string, name: string): void {
  const target = join(into, "node_modules", name);
  mkdirSync(target, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"]);
}

function linkTools(into: string): void {
  for (const tool of tools) {
    const link = join(into, "node_modules", tool);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(repo, "node_modules", tool), link, "dir");
  }
}

function pack(packageDir: string): string {
  const out = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: packageDir, encoding: "utf8" })) as { filename: string; files: { path: string }[] }[];
  const files = out[0]!.files.map((f) => f.path);
  expect(files).toEqual(expect.arrayContaining(["package.json", "README.md", "LICENSE", "dist/index.js", "dist/index.d.ts"]));
  expect(files.filter((f) => f.startsWith("src/") || f.includes(".test.") || f.startsWith("tsconfig"))).toEqual([]);
  return join(work, out[0]!.filename);
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "uko-pack-"));
  tarballs.sdk = pack(join(repo, "plugins/connector-sdk"));
  tarballs.kit = pack(join(repo, "plugins/connector-testkit"));
  project = join(work, "connector-file");
  cpSync(exampleDir, project, { recursive: true, filter: (source) => !/[/\\](node_modules|dist)$/.test(source) });
  installTarball(tarballs.sdk, project, "@uko/connector-sdk");
  installTarball(tarballs.kit, project, "@uko/connector-testkit");
  linkTools(project);
}, 240_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the packed SDK and kit, outside the repository", () => {
  it("build the example connector against the packed types", () => {
    run(process.execPath, [join(project, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], project);
    expect(readdirSync(join(project, "dist"))).toEqual(expect.arrayContaining(["index.js", "index.d.ts", "connector.js"]));
  }, 120_000);

  it("run the conformance kit on it, and it passes", () => {
    const output = run(process.execPath, [join(project, "node_modules/vitest/vitest.mjs"), "run", "--reporter=verbose"], project);
    expect(output).toMatch(/Tests\s+\d+ passed/);
    expect(output).toContain("no secret value reached a log line");
    expect(output).not.toMatch(/\d+ failed/);
  }, 240_000);

  describe("loaded into the built gateway through UKO_CONNECTORS", () => {
    const gateways: GatewayProcess[] = [];
    afterAll(async () => {
      for (const g of gateways) await g.stop();
    });

    const start = async (connectors: string, cwd: string) => {
      const dataDir = mkdtempSync(join(work, "data-"));
      const gateway = await startGateway(gatewayEnv({ PORT: "0", UKO_DATA_DIR: dataDir, UKO_CONNECTORS: connectors, UKO_HEALTH_INTERVAL_S: "0", UKO_KEY_SYNC_INTERVAL_S: "0" }), cwd);
      gateways.push(gateway);
      return gateway;
    };
    const types = async (gateway: GatewayProcess) =>
      (await gateway.gql<{ keystoreTypes: { type: string; packageName: string; graphqlTypeName: string }[] }>("{ keystoreTypes { type packageName graphqlTypeName } }")).keystoreTypes;

    it("by path to the package directory", async () => {
      const gateway = await start(project, work);
      expect(await types(gateway)).toEqual([{ type: "file_keystore", packageName: project, graphqlTypeName: "FileKeystoreKeystore" }]);
    });

    it("by package name, installed next to where the gateway runs", async () => {
      // A site directory where an operator installed the connector's tarball and the SDK it peers with.
      const site = join(work, "site");
      const tarball = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: project, encoding: "utf8" }))[0].filename as string;
      installTarball(join(work, tarball), site, "uko-connector-file");
      installTarball(tarballs.sdk, site, "@uko/connector-sdk");
      const gateway = await start("uko-connector-file", site);
      expect(await types(gateway)).toEqual([{ type: "file_keystore", packageName: "uko-connector-file", graphqlTypeName: "FileKeystoreKeystore" }]);
    });
  });
});
