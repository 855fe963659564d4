import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
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
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number (0 for any), not "${values.port}"`);
  const location = values.location ?? values.region;
  const emulator = await startGoogleKmsEmulator({
    port,
    ...(values.project !== undefined ? { projectId: values.project } : {}),
    ...(location !== undefined ? { location } : {}),
  });
  process.stdout.write(`${JSON.stringify(describe(emulator))}\n`);
  const stop = (): void => {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    void emulator.close();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
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
