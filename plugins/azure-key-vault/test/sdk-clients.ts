import { ClientSecretCredential } from "@azure/identity";
import { KeyClient } from "@azure/keyvault-keys";
import type { AzureKeyVaultEmulator, EmulatorPrincipal } from "../src/emulator/index.js";

/** The real SDK clients, configured for the emulator as sdk-loopback §3.1 says (no retries, trust by option). */
export function sdkClient(emulator: AzureKeyVaultEmulator, principal: Pick<EmulatorPrincipal, "clientId" | "clientSecret"> = emulator.principals[0]!, tenantId = emulator.tenantId): KeyClient {
  const tlsOptions = { ca: emulator.caPem };
  const credential = new ClientSecretCredential(tenantId, principal.clientId, principal.clientSecret, {
    authorityHost: emulator.authorityHost,
    disableInstanceDiscovery: true,
    retryOptions: { maxRetries: 0 },
    tlsOptions,
  });
  return new KeyClient(emulator.endpoint, credential, { disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 }, tlsOptions });
}
