// The loopback emulators each connector package ships, by keystore type. `npm run emulator` and
// `npm run demo` read this list; a new connector with an emulator adds one line.
export const EMULATORS = {
  aws_kms: { module: "@uko/connector-aws-kms/emulator", start: "startAwsKmsEmulator" },
};

/** Starts the emulator of `type`; resolves to the running emulator. */
export async function startEmulator(type, options = {}) {
  const entry = EMULATORS[type];
  if (!entry) throw new Error(`No emulator for keystore type "${type}"; known: ${Object.keys(EMULATORS).join(", ")}`);
  const module = await import(entry.module);
  return module[entry.start](options);
}
