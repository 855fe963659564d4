import { parseArgs } from "node:util";
import { closeOnSignals, parsePort, runIfEntryPoint, UsageError } from "@uko/emulator-kit";
import { startIbmKmsEmulator, type IbmKmsEmulator } from "./emulator.js";

export const USAGE = "usage: ibm-kms-emulator [--port N] [--region R]";

/**
 * `node dist/emulator/cli.js [--port N] [--region R]`: IAM and the Key Protect v2 API in the
 * foreground. Prints one JSON line with what a client needs (the endpoint for both APIs, the CA to
 * trust, an API key and the Key Protect and HPCS instance ids), and stops on SIGINT or SIGTERM.
 */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<IbmKmsEmulator> {
  const { values } = parseArgs({ args: [...argv], options: { port: { type: "string" }, region: { type: "string" } }, strict: true });
  const port = parsePort(values.port);
  const emulator = await startIbmKmsEmulator({ port, ...(values.region ? { region: values.region } : {}) });
  process.stdout.write(`${JSON.stringify(describeIbmEmulator(emulator))}\n`);
  closeOnSignals(emulator);
  return emulator;
}

/** What a person or script needs to connect a keystore to the emulator. */
export function describeIbmEmulator(emulator: IbmKmsEmulator): Record<string, unknown> {
  const instance = (variant: string) => emulator.instances.find((i) => i.variant === variant)?.id;
  return {
    endpoint: emulator.endpoint,
    region: emulator.region,
    apiKey: emulator.identities[0]?.apiKey,
    keyProtectInstanceId: instance("key_protect"),
    hpcsInstanceId: instance("hpcs"),
    caPem: emulator.caPem,
  };
}

/** Tests and scripts tell a usage mistake apart from a failure by it. */
export { UsageError };

runIfEntryPoint(import.meta.url, () => main(), USAGE);
