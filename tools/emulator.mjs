// `npm run emulator -- <type> [--port N]`: one emulator in the foreground. Prints one JSON line
// with what a client needs (endpoint, region or location, test credentials, a CA to trust), then runs until Ctrl-C.
import { parseArgs } from "node:util";
import { describeEmulator, EMULATORS, startEmulator } from "./emulators.mjs";

const { positionals, values } = parseArgs({ allowPositionals: true, options: { port: { type: "string" }, region: { type: "string" } } });
const [type] = positionals;
if (!type || !(type in EMULATORS)) {
  console.error(`usage: npm run emulator -- <${Object.keys(EMULATORS).join("|")}> [--port N] [--region R]`);
  process.exit(2);
}
const port = values.port === undefined ? 0 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number, not "${values.port}"`);
  process.exit(2);
}
const emulator = await startEmulator(type, { port, ...(values.region ? { region: values.region } : {}) });
console.log(JSON.stringify(await describeEmulator(type, emulator)));
const stop = () => void emulator.close().finally(() => process.exit(0));
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
