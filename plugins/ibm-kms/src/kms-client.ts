import { Agent } from "node:https";
import { withRetries, type ConnectorHost, type PropertyValues } from "@uko/connector-sdk";
import { BaseService, IamAuthenticator } from "ibm-cloud-sdk-core";
import { stripSlash } from "./endpoints.js";
import { isRetryable, toConnectorError } from "./errors.js";

export interface IbmConnection {
  readonly apiUrl: string;
  readonly iamUrl: string;
  readonly instanceId: string;
  readonly keyRing: string;
  readonly apiKey: string;
  readonly ca?: string;
}

export function ibmConnection(properties: Readonly<PropertyValues>): IbmConnection {
  const override = (name: string) => (typeof properties[name] === "string" && properties[name] !== "" ? String(properties[name]) : undefined);
  const ca = override("ibm_ca_certificate");
  return {
    apiUrl: stripSlash(override("ibm_api_url_override") ?? String(properties.ibm_api_endpoint)),
    iamUrl: stripSlash(override("ibm_iam_url_override") ?? String(properties.ibm_iam_endpoint ?? "https://iam.cloud.ibm.com")),
    instanceId: String(properties.ibm_instance_id),
    keyRing: String(properties.ibm_key_ring ?? "default"),
    apiKey: String(properties.ibm_api_key),
    ...(ca ? { ca } : {}),
  };
}

export interface KmsRequest {
  readonly method: "GET" | "POST" | "PATCH" | "DELETE";
  readonly path: string;
  readonly body?: unknown;
  readonly query?: Record<string, string | number | boolean>;
  readonly headers?: Record<string, string>;
}

/**
 * The Key Protect v2 API through ibm-cloud-sdk-core's BaseService (the maintained IBM SDK core:
 * its IamAuthenticator exchanges the API key for a bearer token, caches it and refreshes it before
 * it expires, once per session). `@ibm-cloud/ibm-key-protect` is not used: its last release (0.1.2)
 * is years old and lacks import tokens with nonce and key rings on every call.
 *
 * The SDK's own retries stay off; every call goes through the host's retry policy, each attempt
 * under its own deadline. Trust comes only from options (`ca`), never from process-wide settings.
 */
export class KeyProtectClient extends BaseService {
  private readonly iam: IamAuthenticator;

  constructor(private readonly connection: IbmConnection) {
    const httpsAgent = connection.ca ? new Agent({ ca: connection.ca, keepAlive: true }) : new Agent({ keepAlive: true });
    const authenticator = new IamAuthenticator({ apikey: connection.apiKey, url: connection.iamUrl, httpsAgent } as ConstructorParameters<typeof IamAuthenticator>[0]);
    super({ authenticator, serviceUrl: connection.apiUrl, httpsAgent });
    this.iam = authenticator;
  }

  /** Gets (or reuses) the bearer token: the place IAM's refusals surface. */
  async token(host: ConnectorHost): Promise<void> {
    try {
      await withRetries(host, { operation: "iam:token", isRetryable }, async () => {
        await this.iam.authenticate({ headers: {} });
      });
    } catch (error) {
      throw toConnectorError(error, "get an IAM token", "iam");
    }
  }

  async call<T>(request: KmsRequest, operation: string, host: ConnectorHost): Promise<T> {
    await this.token(host);
    try {
      return await withRetries(host, { operation, isRetryable }, async (signal) => {
        try {
          const response = (await this.createRequest({
            options: {
              url: request.path,
              method: request.method,
              ...(request.body !== undefined ? { body: request.body } : {}),
              ...(request.query ? { qs: request.query } : {}),
              axiosOptions: { signal },
            },
            defaultOptions: {
              serviceUrl: this.connection.apiUrl,
              headers: {
                "bluemix-instance": this.connection.instanceId,
                "x-kms-key-ring": this.connection.keyRing,
                accept: "application/json",
                ...(request.body !== undefined ? { "content-type": "application/json" } : {}),
                ...request.headers,
              },
            },
          })) as { result?: T };
          return response?.result as T;
        } catch (error) {
          if (signal.aborted && !host.signal.aborted) throw Object.assign(new Error("call timed out"), { callTimedOut: true });
          throw error;
        }
      });
    } catch (error) {
      throw toConnectorError(error, operation, "kms");
    }
  }
}
