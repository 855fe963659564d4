/**
 * A loopback emulator of Entra ID and Azure Key Vault for tests and demos: the real Azure SDKs talk
 * to it over HTTPS with real tokens, and BYOK imports are really unwrapped and checked. See emulator.ts.
 */
export { DEFAULT_PRINCIPAL, DEFAULT_TENANT_ID, startAzureKeyVaultEmulator } from "./emulator.js";
export { describeEmulator } from "./describe.js";
export { KEY_PERMISSIONS } from "./types.js";
export type { AzureKeyVaultEmulator, AzureKeyVaultEmulatorOptions, EmulatorPrincipal, Fault, KeyPermission, KeyVersionInfo, RequestRecord, VaultSku } from "./types.js";
