import { parseArgs } from "node:util";
import { closeOnSignals, parsePort, runIfEntryPoint, UsageError } from "@uko/emulator-kit";
import { DEFAULT_KEY_RING, startGoogleKmsEmulator } from "./emulator.js";
import type { GoogleKmsEmulator } from "./types.js";

/**
 * `node dist/emulator/cli.js [--port N] [--project P] [--location L]`: runs one emulator in the
 * foreground. It prints exactly one JSON line on stdout with what a client needs (the endpoint,
 * the CA's PEM to trust, the key ring and the default service account's JSON key file), and
 * stops cleanly on SIGINT or SIGTERM.
 */
export const USAGE = "usage: google-kms-emulator [--port N] [--project P] [--location L]";

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<GoogleKmsEmulator> {
  const { values } = parseArgs({
    args: [...argv],
    options: { port: { type: "string" }, project: { type: "string" }, location: { type: "string" }, region: { type: "string" } },
    strict: true,
  });
  const port = parsePort(values.port);
  const location = values.location ?? values.region;
  const emulator = await startGoogleKmsEmulator({
    port,
    ...(values.project !== undefined ? { projectId: values.project } : {}),
    ...(location !== undefined ? { location } : {}),
  });
  process.stdout.write(`${JSON.stringify(describe(emulator))}\n`);
  closeOnSignals(emulator);
  return emulator;
}

/** The one line a script reads: everything the connector's properties need. */
export function describe(emulator: GoogleKmsEmulator): object {
  return {
    type: "google_kms",
    endpoint: emulator.endpoint,
    caPem: emulator.caPem,
    projectId: emulator.projectId,
    location: emulator.location,
    keyRing: DEFAULT_KEY_RING,
    serviceAccountKeyFile: emulator.keyFile,
  };
}

/** Tests and scripts tell a usage mistake apart from a failure by it. */
export { UsageError };

runIfEntryPoint(import.meta.url, () => main(), USAGE);
