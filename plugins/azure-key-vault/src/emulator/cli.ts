import { parseArgs } from "node:util";
import { closeOnSignals, parsePort, runIfEntryPoint, UsageError } from "@uko/emulator-kit";
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
  const port = parsePort(values.port);
  if (values.sku !== undefined && values.sku !== "premium" && values.sku !== "standard") throw new UsageError(`--sku must be premium or standard, not "${values.sku}"`);
  const emulator = await startAzureKeyVaultEmulator({ port, ...(values.sku ? { sku: values.sku } : {}) });
  process.stdout.write(`${JSON.stringify(describeEmulator(emulator))}\n`);
  closeOnSignals(emulator);
  return emulator;
}

/** Tests and scripts tell a usage mistake apart from a failure by it. */
export { UsageError };

runIfEntryPoint(import.meta.url, () => main(), USAGE);
