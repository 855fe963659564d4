import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { importConnector, isPath } from "../src/connectors/isolation/import-connector.js";
import { loadConnectors } from "../src/connectors/registry.js";

/** UKO_CONNECTORS entries: package names and paths to package directories. */
describe("importing a connector", () => {
  const repo = resolve(import.meta.dirname, "../..");
  const scratch = mkdtempSync(join(tmpdir(), "uko-import-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("tells paths from package names", () => {
    expect(["/opt/c", "./c", "../c", "."].map(isPath)).toEqual([true, true, true, true]);
    expect(["@uko/connector-reference", "uko-connector-file", "c"].map(isPath)).toEqual([false, false, false]);
  });

  it("loads a package directory by absolute and by relative path, through its package.json exports", async () => {
    const absolute = await importConnector(join(repo, "plugins/reference"));
    expect((absolute.default as { type: string }).type).toBe("reference");
    const relative = await importConnector("./plugins/reference", repo);
    expect(relative.default).toBe(absolute.default);
    // In its own process too: the connector process resolves the path the same way.
    const quiet = { debug() {}, info() {}, warn() {}, error() {} };
    const registry = await loadConnectors([join(repo, "plugins/reference")], { logger: quiet });
    try {
      expect(registry.get("reference")?.packageName).toBe(join(repo, "plugins/reference"));
      expect(registry.get("reference")?.isolated).toBe(true);
    } finally {
      await registry.close();
    }
  });

  it("says what is wrong with a path that is not a package, and a name that is not installed", async () => {
    await expect(importConnector(join(scratch, "nothing-here"))).rejects.toThrow(/is not a package directory \(ENOENT reading package\.json\)/);
    await expect(importConnector("uko-connector-not-installed-anywhere", scratch)).rejects.toThrow(
      /no package "uko-connector-not-installed-anywhere" next to the gateway or in .*node_modules \(give a path to load one from elsewhere\)/,
    );
  });

  it("uses main when a package has no exports", async () => {
    writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "plain", type: "module", main: "entry.js" }));
    writeFileSync(join(scratch, "entry.js"), "export default { type: 'plain' };\n");
    expect((await importConnector(scratch)).default).toEqual({ type: "plain" });
  });
});
