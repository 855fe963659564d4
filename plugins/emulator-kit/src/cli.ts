import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * What every emulator's command line shares: one JSON line on stdout, then run until SIGINT or
 * SIGTERM; exit 2 for a usage mistake (with the usage line), 1 for anything else.
 */
export class UsageError extends Error {}

/** `--port N` (absent: 0, any free port). */
export function parsePort(value: string | undefined): number {
  const port = value === undefined ? 0 : Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number (0 for any), not "${value}"`);
  return port;
}

/** Closes the emulator on the first SIGINT or SIGTERM; with the server closed the process ends by itself. */
export function closeOnSignals(emulator: { close(): Promise<void> }): void {
  const stop = (): void => {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    void emulator.close();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** Runs `main` when the module at `moduleUrl` is the script node was started with (not when imported). */
export function runIfEntryPoint(moduleUrl: string, main: () => Promise<unknown>, usage: string): void {
  if (!isEntryPoint(moduleUrl)) return;
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${usage}\n`);
    process.exitCode = error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") ? 2 : 1;
  });
}

function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
