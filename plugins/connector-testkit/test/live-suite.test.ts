import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * The live suite must fail a connector that breaks the contract: it runs, in a child vitest, the
 * suite on a sound in-memory connector and on variants with one defect each, and checks
 * which of the kit's tests failed for each.
 */
const here = dirname(fileURLToPath(import.meta.url));
const vitest = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");

let results: { fullName: string; status: string }[] = [];
beforeAll(() => {
  const out = mkdtempSync(join(tmpdir(), "uko-kit-"));
  try {
    const file = join(out, "results.json");
    spawnSync(process.execPath, [vitest, "run", "--config", join(here, "fixtures/vitest.config.ts"), "--reporter=json", `--outputFile=${file}`], {
      cwd: join(here, "fixtures"),
      encoding: "utf8",
      timeout: 180_000,
    });
    const report = JSON.parse(readFileSync(file, "utf8")) as { testResults: { assertionResults: { fullName: string; status: string }[] }[] };
    results = report.testResults.flatMap((r) => r.assertionResults);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 200_000);

const failedOf = (type: string) => results.filter((r) => r.fullName.startsWith(`${type}:`) && r.status === "failed").map((r) => r.fullName);

describe("the live suite", () => {
  it("passes a sound connector", () => {
    expect(results.filter((r) => r.fullName.startsWith("memory_none:")).length).toBeGreaterThan(10);
    expect(failedOf("memory_none")).toEqual([]);
  });

  it("fails a connector that logs its secret, in the leak scan only", () => {
    expect(failedOf("memory_leaks_secret")).toEqual([expect.stringContaining("no secret value reached a log line")]);
  });

  it("fails a connector that prints its secret to the console (as crash output would)", () => {
    expect(failedOf("memory_prints_secret")).toEqual([expect.stringContaining("no secret value reached a log line")]);
  });

  it("fails a connector that rotates into a new key while declaring new_version", () => {
    expect(failedOf("memory_wrong_rotation")).toEqual([expect.stringContaining("rotates as declared (new_version)")]);
  });

  it("fails a connector whose findManagedCopy returns copies pending deletion", () => {
    expect(failedOf("memory_finds_pending")).toEqual(expect.arrayContaining([expect.stringContaining("findManagedCopy then ignores the key")]));
  });

  it("fails a connector whose declared repair is not idempotent", () => {
    expect(failedOf("memory_repair_not_idempotent")).toEqual([expect.stringContaining("repairKeystore, when declared, changes nothing on a healthy keystore")]);
  });

  it("fails a connector whose listKeys ignores the page limit", () => {
    expect(failedOf("memory_ignores_limit")).toEqual([expect.stringContaining("lists every key page by page")]);
  });
});
