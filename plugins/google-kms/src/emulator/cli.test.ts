import { spawn, type ChildProcessByStdio } from "node:child_process";
import { once } from "node:events";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { keyFileBase64, testHost } from "../../test/target.js";
import googleKms from "../index.js";
import { main, UsageError } from "./cli.js";

const packageDir = fileURLToPath(new URL("../..", import.meta.url));
type Child = ChildProcessByStdio<null, Readable, Readable>;
const started: Child[] = [];

afterEach(() => {
  for (const child of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
});

async function startCli(args: string[]): Promise<{ child: Child; line: Record<string, unknown>; stdout: () => string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/emulator/cli.ts", ...args], { cwd: packageDir, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes("\n")) resolve(stdout.slice(0, stdout.indexOf("\n")));
    });
    child.once("exit", (code) => reject(new Error(`the CLI exited (${code}) before printing: ${stderr}`)));
  });
  return { child, line: JSON.parse(await firstLine) as Record<string, unknown>, stdout: () => stdout };
}

describe("google_kms emulator cli", () => {
  it("prints one JSON line (endpoint, CA, service-account key file) that a connector connects with, and exits 0 on SIGTERM", async () => {
    const { child, line, stdout } = await startCli(["--port", "0", "--project", "uko-cli-project", "--location", "europe-west3"]);
    expect(Object.keys(line)).toEqual(["type", "endpoint", "caPem", "projectId", "location", "keyRing", "serviceAccountKeyFile"]);
    expect(line).toMatchObject({ type: "google_kms", projectId: "uko-cli-project", location: "europe-west3", keyRing: "uko" });
    expect(line.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(line.caPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(line.serviceAccountKeyFile).toMatchObject({ type: "service_account", project_id: "uko-cli-project" });

    const host = testHost();
    const session = await googleKms.connect(
      {
        google_credentials: keyFileBase64(line.serviceAccountKeyFile as object),
        google_location: String(line.location),
        google_key_ring: String(line.keyRing),
        google_api_endpoint: String(line.endpoint),
        google_trusted_ca: String(line.caPem),
      },
      host,
    );
    const report = await session.test(host);
    await session.close?.();
    expect(report.checks.every((c) => c.outcome === "passed")).toBe(true);
    expect(stdout().split("\n")).toEqual([expect.any(String), ""]);

    const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
    child.kill("SIGTERM");
    expect(await exited).toEqual([0, null]);
  });

  it("refuses a bad port or an unknown option before starting anything", async () => {
    await expect(main(["--port", "70000"])).rejects.toBeInstanceOf(UsageError);
    await expect(main(["--port", "x"])).rejects.toThrow(/--port must be a port number/);
    await expect(main(["--bogus"])).rejects.toThrow(/bogus/);
  });
});
