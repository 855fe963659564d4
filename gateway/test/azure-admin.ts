import { request } from "node:https";
import type { AzureKeyVaultEmulator } from "@uko/connector-azure-key-vault/emulator";

/**
 * What an Azure administrator does to a vault behind the gateway's back, through the Key Vault
 * REST API as `az keyvault key ...` does: a bearer token from Entra ID (client credentials), then
 * the key calls. Talks to the emulator over HTTPS, trusting only its CA.
 */
const API_VERSION = "2025-07-01";

export interface AzureAdmin {
  /** `az keyvault key delete`: a soft delete, recoverable until purged. */
  deleteKey(name: string): Promise<void>;
  /** `az keyvault key purge`: gone for good. */
  purgeDeletedKey(name: string): Promise<void>;
  /** `az keyvault key set-attributes --enabled`. */
  setEnabled(name: string, enabled: boolean): Promise<void>;
  /** `az keyvault key create --kty EC-HSM`: a key of any name, e.g. one squatting on the KEK's. */
  createEcKey(name: string): Promise<void>;
}

export function azureAdmin(emulator: AzureKeyVaultEmulator): AzureAdmin {
  const principal = emulator.principals[0]!;
  let token: string | undefined;
  const bearer = async (): Promise<string> => {
    if (token) return token;
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: principal.clientId, client_secret: principal.clientSecret, scope: "https://vault.azure.net/.default" });
    const answer = await call("POST", `${emulator.authorityHost}/${emulator.tenantId}/oauth2/v2.0/token`, form.toString(), { "content-type": "application/x-www-form-urlencoded" });
    token = (JSON.parse(answer) as { access_token: string }).access_token;
    return token;
  };
  const vault = async (method: string, path: string, body?: unknown): Promise<void> => {
    const headers = { authorization: `Bearer ${await bearer()}`, ...(body === undefined ? {} : { "content-type": "application/json" }) };
    await call(method, `${emulator.endpoint}${path}?api-version=${API_VERSION}`, body === undefined ? undefined : JSON.stringify(body), headers);
  };
  const call = (method: string, url: string, body: string | undefined, headers: Record<string, string>) =>
    new Promise<string>((resolve, reject) => {
      const req = request(url, { method, headers, ca: emulator.caPem }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`${method} ${new URL(url).pathname}: ${res.statusCode} ${text}`));
          else resolve(text);
        });
      });
      req.on("error", reject);
      req.end(body);
    });
  const key = (name: string) => `/keys/${encodeURIComponent(name)}`;
  return {
    deleteKey: (name) => vault("DELETE", key(name)),
    purgeDeletedKey: (name) => vault("DELETE", `/deletedkeys/${encodeURIComponent(name)}`),
    setEnabled: (name, enabled) => vault("PATCH", key(name), { attributes: { enabled } }),
    createEcKey: (name) => vault("POST", `${key(name)}/create`, { kty: "EC-HSM", crv: "P-256" }),
  };
}

/** The GraphQL properties that connect the emulator's vault as `principal` (the first by default). */
export function azureKeystoreProperties(emulator: AzureKeyVaultEmulator, principal = emulator.principals[0]!) {
  return {
    azureKeyVault: {
      azureServiceName: emulator.vaultName,
      azureResourceGroup: "uko-emulator-rg",
      azureLocation: "westeurope",
      azureEnvironment: "azure",
      azureTenant: emulator.tenantId,
      azureSubscriptionId: "00000000-0000-4000-a000-00000000505b",
      azureServicePrincipalClientId: principal.clientId,
      azureServicePrincipalPassword: principal.clientSecret,
      azureVaultUrl: emulator.endpoint,
      azureAuthorityHost: emulator.authorityHost,
      azureTrustedCa: emulator.caPem,
    },
  };
}
