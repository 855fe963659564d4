// The loopback emulators each connector package ships, by keystore type. `npm run emulator` and
// `npm run demo` read this list; a new connector with an emulator adds one entry: where it is,
// how its options are spelled (when not `{ port, region }`), and the one JSON line
// `npm run emulator` prints for it (`describe(emulator, module)`).
export const EMULATORS = {
  aws_kms: {
    module: "@uko/connector-aws-kms/emulator",
    start: "startAwsKmsEmulator",
    describe: (e) => ({
      endpoint: e.endpoint,
      region: e.region,
      accountId: e.accountId,
      accessKeyId: e.identities[0].accessKeyId,
      secretAccessKey: e.identities[0].secretAccessKey,
    }),
  },
  azure_key_vault: {
    module: "@uko/connector-azure-key-vault/emulator",
    start: "startAzureKeyVaultEmulator",
    // The package describes its own emulator (the CA PEM, tenant, client id and secret).
    describe: (e, module) => module.describeEmulator(e),
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
  // One emulator serves both IBM types: it holds a Key Protect and an HPCS instance.
  ibm_key_protect: {
    module: "@uko/connector-ibm-kms/emulator",
    start: "startIbmKmsEmulator",
    describe: (e, module) => module.describeIbmEmulator(e),
  },
  ibm_hpcs: {
    module: "@uko/connector-ibm-kms/emulator",
    start: "startIbmKmsEmulator",
    describe: (e, module) => module.describeIbmEmulator(e),
  },
};

/** Starts the emulator of `type` with `{ port?, region? }`; resolves to the running emulator. */
export async function startEmulator(type, options = {}) {
  const entry = EMULATORS[type];
  if (!entry) throw new Error(`No emulator for keystore type "${type}"; known: ${Object.keys(EMULATORS).join(", ")}`);
  const module = await import(entry.module);
  return module[entry.start](entry.options ? entry.options(options) : options);
}

/** The JSON line's fields for a running emulator of `type`. */
export async function describeEmulator(type, emulator) {
  const entry = EMULATORS[type];
  return { type, ...entry.describe(emulator, await import(entry.module)) };
}
