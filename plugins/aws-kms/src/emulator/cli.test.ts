process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

import { KMSClient, ListKeysCommand } from "@aws-sdk/client-kms";
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { main, UsageError } from "./cli.js";

const packageDir = fileURLToPath(new URL("../..", import.meta.url));
type Child = ChildProcessByStdio<null, Readable, Readable>;
const started: Child[] = [];

afterEach(() => {
  // Whatever a failed test left running: its whole process group, by id.
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

/** Starts the CLI in its own process group and resolves with the first stdout line, parsed. */
async function startCli(command: string, args: string[]): Promise<{ child: Child; line: Record<string, string>; stdout: () => string }> {
  const child = spawn(command, args, { cwd: packageDir, detached: true, stdio: ["ignore", "pipe", "pipe"] });
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
  return { child, line: JSON.parse(await firstLine) as Record<string, string>, stdout: () => stdout };
}

async function listKeysWith(line: Record<string, string>) {
  const kms = new KMSClient({
    region: line.region!,
    endpoint: line.endpoint!,
    credentials: { accessKeyId: line.accessKeyId!, secretAccessKey: line.secretAccessKey! },
    maxAttempts: 1,
  });
  try {
    return await kms.send(new ListKeysCommand({}));
  } finally {
    kms.destroy();
  }
}

describe("cli", () => {
  it("prints exactly one JSON line with what a client needs, serves until killed", async () => {
    const { child, line, stdout } = await startCli("npx", ["tsx", "src/emulator/cli.ts", "--port", "0", "--region", "ap-southeast-2"]);
    expect(Object.keys(line)).toEqual(["type", "endpoint", "region", "accountId", "accessKeyId", "secretAccessKey"]);
    expect(line).toMatchObject({ type: "aws_kms", region: "ap-southeast-2", accountId: "111122223333", accessKeyId: "EMUKEMULATOR00000001" });
    expect(line.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const listed = await listKeysWith(line);
    expect(listed.$metadata.httpStatusCode).toBe(200);
    // A fresh account: only the two AWS managed keys behind alias/aws/ebs and alias/aws/s3.
    expect(listed.Keys).toHaveLength(2);
    expect(stdout().split("\n")).toEqual([expect.any(String), ""]);

    const exited = once(child, "exit");
    process.kill(-child.pid!, "SIGTERM");
    await exited;
    // Nothing of the group is left.
    await expect.poll(() => groupAlive(child.pid!), { timeout: 3_000 }).toBe(false);
  });

  it("closes cleanly on SIGTERM: exit code 0", async () => {
    const { child, line } = await startCli(process.execPath, ["--import", "tsx", "src/emulator/cli.ts"]);
    await listKeysWith(line);
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

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
