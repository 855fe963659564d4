// The loopback emulators each connector package ships, by keystore type. `npm run emulator` and
// `npm run demo` read this list; a new connector with an emulator adds one entry: where it is,
// how its options are spelled, and the one JSON line `npm run emulator` prints for it.
export const EMULATORS = {
  aws_kms: {
    module: "@uko/connector-aws-kms/emulator",
    start: "startAwsKmsEmulator",
    options: ({ port, region }) => ({ port, ...(region ? { region } : {}) }),
    describe: (e) => ({
      endpoint: e.endpoint,
      region: e.region,
      accountId: e.accountId,
      accessKeyId: e.identities[0].accessKeyId,
      secretAccessKey: e.identities[0].secretAccessKey,
    }),
  },
  google_kms: {
    module: "@uko/connector-google-kms/emulator",
    start: "startGoogleKmsEmulator",
    // Google calls its regions locations.
    options: ({ port, region }) => ({ port, ...(region ? { location: region } : {}) }),
    describe: (e) => ({
      endpoint: e.endpoint,
      caPem: e.caPem,
      projectId: e.projectId,
      location: e.location,
      keyRing: "uko",
      serviceAccountKeyFile: e.keyFile,
    }),
  },
};

/** Starts the emulator of `type` with `{ port?, region? }`; resolves to the running emulator. */
export async function startEmulator(type, options = {}) {
  const entry = EMULATORS[type];
  if (!entry) throw new Error(`No emulator for keystore type "${type}"; known: ${Object.keys(EMULATORS).join(", ")}`);
  const module = await import(entry.module);
  return module[entry.start](entry.options(options));
}

/** The one JSON-able line that tells a client how to reach the emulator of `type`. */
export function describeEmulator(type, emulator) {
  return { type, ...EMULATORS[type].describe(emulator) };
}
