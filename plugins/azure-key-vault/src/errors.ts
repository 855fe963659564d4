import { ConnectorError } from "@uko/connector-sdk";

/**
 * Turns what `@azure/identity` and `@azure/keyvault-keys` throw into a ConnectorError with a
 * message for a person. Entra's AADSTS codes are explained; Key Vault's own messages (which name
 * the missing permission and the principal, never a secret) are kept.
 */
interface AzureLikeError {
  name?: string;
  message?: string;
  code?: string;
  statusCode?: number;
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "ECONNABORTED", "REQUEST_SEND_ERROR"]);
const TLS_CODES = /CERT|UNABLE_TO_VERIFY|SELF_SIGNED|DEPTH_ZERO|ERR_TLS|ALTNAME/;
const CREDENTIAL_ERRORS = new Set(["AuthenticationRequiredError", "AuthenticationError", "CredentialUnavailableError"]);

/** Entra ID's error codes a person can act on, with the property to fix. */
const AADSTS: Record<string, { message: string; properties: string[] }> = {
  "7000215": {
    message: "Entra ID refused the client secret (AADSTS7000215: invalid client secret). Use the secret's value, not its ID",
    properties: ["azure_service_principal_password"],
  },
  "7000222": { message: "The client secret has expired (AADSTS7000222); create a new one for the app", properties: ["azure_service_principal_password"] },
  "700016": {
    message: "Entra ID has no application with this client ID in the tenant (AADSTS700016: application not found in tenant)",
    properties: ["azure_service_principal_client_id", "azure_tenant"],
  },
  "90002": { message: "Entra ID does not know the tenant (AADSTS90002: tenant not found); check the tenant ID and the environment", properties: ["azure_tenant", "azure_environment"] },
  "900023": { message: "The tenant ID is not a valid tenant (AADSTS900023)", properties: ["azure_tenant"] },
};

export function isThrottling(error: unknown): boolean {
  return (error as AzureLikeError)?.statusCode === 429;
}

/** Transient: throttling, 5xx, a broken connection, an Entra ID that failed or could not be reached. Never a refusal. */
export function isRetryable(error: unknown): boolean {
  const e = error as AzureLikeError;
  if (e?.name === "AbortError") return false;
  if (isThrottling(error) || (e?.statusCode ?? 0) >= 500) return true;
  if (CREDENTIAL_ERRORS.has(e?.name ?? "")) return credentialTrouble(e) === "transient";
  return e?.statusCode === undefined && NETWORK_CODES.has(e?.code ?? "");
}

/** What went wrong getting a token: the AADSTS code, or a network or server failure. */
function credentialTrouble(e: AzureLikeError): string | "transient" | "unreachable" | undefined {
  const message = e.message ?? "";
  const code = /AADSTS(\d+)/.exec(message)?.[1] ?? /Error\(s\): (\d+)/.exec(message)?.[1];
  if (code) return code;
  if (/network_error|ECONNREFUSED|ENOTFOUND|ECONNRESET/.test(message)) return "transient";
  if (/Not Available|\[object Object\]|server_error|temporarily_unavailable/.test(message)) return "transient";
  if (/endpoints_resolution_error/.test(message)) return "unreachable";
  return undefined;
}

export function toConnectorError(error: unknown, operation: string, where: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const e = (error ?? {}) as AzureLikeError;
  const message = e.message ?? "";
  if (e.name === "AbortError") return new ConnectorError("UNREACHABLE", `${where} did not answer ${operation} before the deadline`);
  if (CREDENTIAL_ERRORS.has(e.name ?? "")) return credentialError(e, where);
  if (/challenge resource .* does not match/.test(message)) {
    return new ConnectorError("INVALID_PROPERTIES", `${where} asked for a token for another cloud's Key Vault; check the environment and the vault URL`, {
      properties: ["azure_environment", "azure_vault_url"],
    });
  }
  if (e.statusCode === undefined && TLS_CODES.test(e.code ?? "")) {
    return new ConnectorError("INVALID_PROPERTIES", `${where}'s TLS certificate is not trusted (${e.code}); check the trusted CA certificate and the URL`, {
      properties: ["azure_trusted_ca", "azure_vault_url", "azure_authority_host"],
    });
  }
  if (e.statusCode === undefined && NETWORK_CODES.has(e.code ?? "")) return new ConnectorError("UNREACHABLE", `${where} cannot be reached (${e.code})`);
  const said = message ? `: ${message.split("\n")[0]}` : "";
  switch (e.statusCode) {
    case 401:
      return new ConnectorError("AUTHENTICATION_FAILED", `${where} refused the access token${said}`);
    case 403:
      return new ConnectorError("PERMISSION_DENIED", `Key Vault denied ${operation}${said}`);
    case 404:
      return new ConnectorError("NOT_FOUND", `Key Vault has no such key${said}`);
    case 409:
      return new ConnectorError("CONFLICT", `Key Vault refused ${operation}${said}`);
    case 429:
      return new ConnectorError("THROTTLED", `Key Vault is throttling ${operation}; try again later`);
  }
  if (/standard vault/i.test(message)) return standardVaultError();
  if ((e.statusCode ?? 0) >= 500) return new ConnectorError("REMOTE_ERROR", `Key Vault failed ${operation} (HTTP ${e.statusCode})`, { retryable: true });
  return new ConnectorError("REMOTE_ERROR", `Key Vault refused ${operation}${e.statusCode ? ` (HTTP ${e.statusCode})` : ""}${said}`);
}

/** The typed refusal for a Standard vault: why the gateway cannot use it. */
export function standardVaultError(): ConnectorError {
  return new ConnectorError(
    "UNSUPPORTED",
    "This is a Standard key vault. The gateway imports its keys as HSM-protected keys (BYOK), which only the Premium tier can hold; upgrade the vault to Premium (az keyvault update --sku premium) or connect a Premium vault",
    { properties: ["azure_service_name"] },
  );
}

function credentialError(e: AzureLikeError, where: string): ConnectorError {
  const message = e.message ?? "";
  const otherTenant = /not configured to acquire tokens for tenant ([-0-9A-Za-z.]+)/.exec(message)?.[1];
  if (otherTenant) {
    return new ConnectorError("AUTHENTICATION_FAILED", `${where} belongs to tenant ${otherTenant}, not to the tenant ID given`, { properties: ["azure_tenant"] });
  }
  const trouble = credentialTrouble(e);
  if (trouble === "transient") return new ConnectorError("UNREACHABLE", "Entra ID could not issue a token (it failed or could not be reached); try again later", { retryable: true });
  if (trouble === "unreachable") {
    return new ConnectorError("UNREACHABLE", "Entra ID's authority host cannot be reached, or it does not know the tenant; check the environment, the authority host and the tenant ID", {
      properties: ["azure_environment", "azure_authority_host", "azure_tenant"],
    });
  }
  const known = trouble ? AADSTS[trouble] : undefined;
  if (known) return new ConnectorError("AUTHENTICATION_FAILED", known.message, { properties: known.properties });
  const firstLine = message.split(" - Timestamp")[0]?.slice(0, 300) ?? "";
  return new ConnectorError("AUTHENTICATION_FAILED", `Entra ID refused the service principal's sign-in${firstLine ? `: ${firstLine}` : ""}`, {
    properties: ["azure_service_principal_client_id", "azure_service_principal_password"],
  });
}
