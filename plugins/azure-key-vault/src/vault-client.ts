import { ClientSecretCredential } from "@azure/identity";
import { KeyClient } from "@azure/keyvault-keys";
import { withRetries, type ConnectorHost, type PropertyValues } from "@uko/connector-sdk";
import { environmentOf } from "./environments.js";
import { isRetryable, toConnectorError } from "./errors.js";

export interface AzureConnection {
  readonly vaultName: string;
  readonly vaultUrl: string;
  readonly authorityHost: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The vault URL was given (a private endpoint or an emulator), not derived from name and environment. */
  readonly vaultUrlOverridden: boolean;
  readonly authorityHostOverridden: boolean;
  readonly caPem?: string;
}

export function azureConnection(properties: Readonly<PropertyValues>): AzureConnection {
  const environment = environmentOf(properties.azure_environment);
  const vaultName = String(properties.azure_service_name);
  const vaultUrl = nonEmpty(properties.azure_vault_url);
  const authorityHost = nonEmpty(properties.azure_authority_host);
  const caPem = nonEmpty(properties.azure_trusted_ca);
  return {
    vaultName,
    vaultUrl: (vaultUrl ?? `https://${vaultName}.${environment.vaultDnsSuffix}`).replace(/\/+$/, ""),
    authorityHost: (authorityHost ?? environment.authorityHost).replace(/\/+$/, ""),
    tenantId: String(properties.azure_tenant),
    clientId: String(properties.azure_service_principal_client_id),
    clientSecret: String(properties.azure_service_principal_password),
    vaultUrlOverridden: vaultUrl !== undefined,
    authorityHostOverridden: authorityHost !== undefined,
    ...(caPem ? { caPem } : {}),
  };
}

/**
 * One credential and one KeyClient per session, and the only way the connector talks to Azure.
 * The SDKs' own retries are off; `call` retries what is transient with the host's policy, never
 * past the deadline. TLS trust is passed as options to both clients (never process-wide), and the
 * offline-only switches (instance discovery, challenge resource verification) are turned off only
 * for endpoints the user overrode.
 */
export class Vault {
  readonly client: KeyClient;
  readonly where: string;

  constructor(readonly connection: AzureConnection) {
    const tls = connection.caPem ? { tlsOptions: { ca: connection.caPem } } : {};
    const credential = new ClientSecretCredential(connection.tenantId, connection.clientId, connection.clientSecret, {
      authorityHost: connection.authorityHost,
      disableInstanceDiscovery: connection.authorityHostOverridden,
      retryOptions: { maxRetries: 0 },
      ...tls,
    });
    this.client = new KeyClient(connection.vaultUrl, credential, {
      disableChallengeResourceVerification: connection.vaultUrlOverridden,
      retryOptions: { maxRetries: 0 },
      ...tls,
    });
    this.where = `Key Vault ${connection.vaultUrl}`;
  }

  /** Runs one SDK call with a per-attempt signal; maps every failure to a ConnectorError. */
  async call<T>(operation: string, host: ConnectorHost, fn: (client: KeyClient, options: { abortSignal: AbortSignal }) => Promise<T>): Promise<T> {
    try {
      return await withRetries(host, { operation, isRetryable: (error) => isRetryable(error) || isCallTimeout(error, host) }, (signal) =>
        // The token request inside the SDK does not always honour the signal: race it, so a hung
        // Entra ID ends the attempt on time too.
        raceAbort(fn(this.client, { abortSignal: signal }), signal, host),
      );
    } catch (error) {
      throw toConnectorError(error, operation, this.where);
    }
  }
}

/** An attempt that ran out of its own time while the operation still has some: worth another try. */
function isCallTimeout(error: unknown, host: ConnectorHost): boolean {
  return (error as { callTimedOut?: boolean })?.callTimedOut === true && !host.signal.aborted;
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal, host: ConnectorHost): Promise<T> {
  const aborted = () => Object.assign(new Error("aborted"), { name: "AbortError", callTimedOut: !host.signal.aborted });
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(aborted());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(signal.aborted ? aborted() : error);
      },
    );
  });
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}
