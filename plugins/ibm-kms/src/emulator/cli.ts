import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startIbmKmsEmulator, type IbmKmsEmulator } from "./emulator.js";

/**
 * `node dist/emulator/cli.js [--port N] [--region R]`: IAM and the Key Protect v2 API in the
 * foreground. Prints one JSON line with what a client needs (the endpoint for both APIs, the CA to
 * trust, an API key and the Key Protect and HPCS instance ids), and stops on SIGINT or SIGTERM.
 */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<IbmKmsEmulator> {
  const { values } = parseArgs({ args: [...argv], options: { port: { type: "string" }, region: { type: "string" } }, strict: true });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number (0 for any), not "${values.port}"`);
  const emulator = await startIbmKmsEmulator({ port, ...(values.region ? { region: values.region } : {}) });
  process.stdout.write(`${JSON.stringify(describeIbmEmulator(emulator))}\n`);
  const stop = (): void => void emulator.close();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
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

function isEntryPoint(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\nusage: ibm-kms-emulator [--port N] [--region R]\n`);
    process.exitCode = 2;
  });
}
