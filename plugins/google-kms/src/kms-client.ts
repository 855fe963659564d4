import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { KeyManagementServiceClient } from "@google-cloud/kms";
import { credentials as grpcCredentials } from "@grpc/grpc-js";
import { withRetries, type ConnectorHost } from "@uko/connector-sdk";
import { isRetryable, toConnectorError } from "./errors.js";
import type { GoogleConnection } from "./properties.js";

/**
 * One Cloud KMS client per session, and the only way the connector talks to Google: gRPC over
 * TLS with the service account's self-signed JWTs (sdk-loopback §4). gax's own retries are off
 * for every method (a dead endpoint would otherwise hang each call for 60 s); `call` retries
 * deliberately, only what is transient, under the host's deadline.
 */
const SERVICE = "google.cloud.kms.v1.KeyManagementService";
const IAM_SERVICE = "google.iam.v1.IAMPolicy";
const LOOPBACK_IPS = new Set(["127.0.0.1", "::1"]);

/** gax applies a retry override only to the methods it lists, so every method is listed. */
function noRetryConfig(): object {
  const require = createRequire(import.meta.url);
  const kmsMain = require.resolve("@google-cloud/kms");
  const base = require(join(dirname(kmsMain), "v1", "key_management_service_client_config.json")) as {
    interfaces: Record<string, { methods: Record<string, unknown> }>;
  };
  const methods = (names: string[]) => Object.fromEntries(names.map((m) => [m, { retry_codes_name: "no_retry", retry_params_name: "no_retry" }]));
  const params = { no_retry: { initial_retry_delay_millis: 0, retry_delay_multiplier: 1, max_retry_delay_millis: 0, initial_rpc_timeout_millis: 30_000, rpc_timeout_multiplier: 1, max_rpc_timeout_millis: 30_000, total_timeout_millis: 30_000 } };
  return {
    interfaces: {
      [SERVICE]: { retry_codes: { no_retry: [] }, retry_params: params, methods: methods(Object.keys(base.interfaces[SERVICE]!.methods)) },
      [IAM_SERVICE]: { retry_codes: { no_retry: [] }, retry_params: params, methods: methods(["GetIamPolicy", "SetIamPolicy", "TestIamPermissions"]) },
    },
  };
}

export class Kms {
  readonly client: KeyManagementServiceClient;

  constructor(connection: GoogleConnection) {
    const { keyFile } = connection;
    const endpoint = connection.apiEndpoint;
    let client: KeyManagementServiceClient | undefined;
    this.client = client = new KeyManagementServiceClient({
      credentials: { client_email: keyFile.client_email, private_key: keyFile.private_key, ...{ private_key_id: keyFile.private_key_id } },
      projectId: keyFile.project_id,
      ...(endpoint ? { apiEndpoint: endpoint.host, port: endpoint.port } : {}),
      // TLS forbids an IP address as the server name; a loopback emulator's certificate names localhost too.
      ...(endpoint && LOOPBACK_IPS.has(endpoint.host) ? { "grpc.ssl_target_name_override": "localhost" } : {}),
      clientConfig: noRetryConfig(),
      // A trusted CA for this keystore only (private service connect, the emulator), never the
      // process's store. With own channel credentials gax sends no auth, so the SDK's own
      // credential (the self-signed JWT) is attached here, exactly as gax would.
      ...(connection.trustedCaPem
        ? {
            sslCreds: grpcCredentials.combineChannelCredentials(
              grpcCredentials.createSsl(Buffer.from(connection.trustedCaPem)),
              grpcCredentials.createFromGoogleCredential({
                getRequestHeaders: async (url?: string) => {
                  const auth = await client!.auth.getClient();
                  const headers = await auth.getRequestHeaders(url);
                  const plain: Record<string, string> = {};
                  headers.forEach((value, key) => (plain[key] = value));
                  return plain;
                },
              }),
            ),
          }
        : {}),
    });
  }

  /**
   * Runs one SDK call with the host's retry policy; each attempt gets its own gax timeout (the
   * per-call budget) and is abandoned when the operation is aborted.
   */
  async call<T>(operation: string, host: ConnectorHost, run: (options: { timeout: number }) => Promise<T>): Promise<T> {
    try {
      return await withRetries(host, { operation, isRetryable }, (signal) => {
        const left = Math.max(1, host.deadline.getTime() - host.clock.now().getTime());
        const timeout = Math.max(1, Math.min(host.callTimeoutMs, left));
        return abortable(run({ timeout }), signal);
      });
    } catch (error) {
      throw toConnectorError(error, operation);
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** The call's result, or a DEADLINE_EXCEEDED as soon as `signal` aborts (the SDK's promise cannot be cancelled). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(Object.assign(new Error("aborted"), { code: 4, details: "aborted before the answer came" }));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(Object.assign(new Error("aborted"), { code: 4, details: "no answer before the call's deadline" }));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
