import { parseArgs } from "node:util";
import { closeOnSignals, parsePort, runIfEntryPoint, UsageError } from "@uko/emulator-kit";
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
  const port = parsePort(values.port);

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

  closeOnSignals(emulator);
  return emulator;
}

/** Tests and scripts tell a usage mistake apart from a failure by it. */
export { UsageError };

runIfEntryPoint(import.meta.url, () => main(), USAGE);
