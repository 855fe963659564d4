import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startAzureKeyVaultEmulator } from "./emulator.js";
import { describeEmulator } from "./describe.js";
import type { AzureKeyVaultEmulator } from "./types.js";

/**
 * `node dist/emulator/cli.js [--port N] [--sku premium|standard]`: runs one emulator in the
 * foreground. It prints exactly one JSON line on stdout with what a client needs (vault URL,
 * authority host, the CA's PEM, tenant, client id and secret), and stops on SIGINT or SIGTERM.
 */
export const USAGE = "usage: azure-key-vault-emulator [--port N] [--sku premium|standard]";

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<AzureKeyVaultEmulator> {
  const { values } = parseArgs({ args: [...argv], options: { port: { type: "string" }, sku: { type: "string" } }, strict: true });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number (0 for any), not "${values.port}"`);
  if (values.sku !== undefined && values.sku !== "premium" && values.sku !== "standard") throw new UsageError(`--sku must be premium or standard, not "${values.sku}"`);
  const emulator = await startAzureKeyVaultEmulator({ port, ...(values.sku ? { sku: values.sku } : {}) });
  process.stdout.write(`${JSON.stringify(describeEmulator(emulator))}\n`);
  const stop = (): void => {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
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
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exitCode = error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") ? 2 : 1;
  });
}
