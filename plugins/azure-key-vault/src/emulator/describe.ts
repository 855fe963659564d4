import type { AzureKeyVaultEmulator } from "./types.js";

/** The JSON line: everything a client (or the console's form) needs to connect. */
export function describeEmulator(emulator: AzureKeyVaultEmulator): Record<string, string> {
  const principal = emulator.principals[0]!;
  return {
    type: "azure_key_vault",
    endpoint: emulator.endpoint,
    authorityHost: emulator.authorityHost,
    caPem: emulator.caPem,
    vaultName: emulator.vaultName,
    sku: emulator.sku,
    tenantId: emulator.tenantId,
    clientId: principal.clientId,
    clientSecret: principal.clientSecret,
  };
}
