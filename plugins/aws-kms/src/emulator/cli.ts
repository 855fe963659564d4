import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startAwsKmsEmulator } from "./emulator.js";
import type { AwsKmsEmulator } from "./types.js";

/**
 * `node dist/emulator/cli.js [--port N] [--region R]`: runs one emulator in the foreground. It
 * prints exactly one JSON line on stdout with what a client needs (endpoint, region, account and
 * the default identity's keys), so a script can read the first line and go, and stops cleanly on
 * SIGINT or SIGTERM.
 */
export const USAGE = "usage: aws-kms-emulator [--port N] [--region R]";

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<AwsKmsEmulator> {
  const { values } = parseArgs({ args: [...argv], options: { port: { type: "string" }, region: { type: "string" } }, strict: true });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number (0 for any), not "${values.port}"`);

  const emulator = await startAwsKmsEmulator({ port, ...(values.region !== undefined ? { region: values.region } : {}) });
  const identity = emulator.identities[0]!;
  process.stdout.write(
    `${JSON.stringify({
      type: "aws_kms",
      endpoint: emulator.endpoint,
      region: emulator.region,
      accountId: emulator.accountId,
      accessKeyId: identity.accessKeyId,
      secretAccessKey: identity.secretAccessKey,
    })}\n`,
  );

  const stop = (): void => {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    // With the server closed nothing is left on the event loop, and the process ends by itself.
    void emulator.close();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  return emulator;
}

export class UsageError extends Error {}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${message}\n${USAGE}\n`);
    process.exitCode = error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") ? 2 : 1;
  });
}
