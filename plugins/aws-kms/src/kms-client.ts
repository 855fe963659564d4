import { KMSClient } from "@aws-sdk/client-kms";
import { withRetries, type ConnectorHost, type PropertyValues } from "@uko/connector-sdk";
import { isRetryable, toConnectorError } from "./errors.js";

// The SDK version is pinned (package.json); its warning about future Node requirements is noise in
// the gateway's log. An operator's explicit setting wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export interface AwsConnection {
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly endpoint?: string;
}

export function awsConnection(properties: Readonly<PropertyValues>): AwsConnection {
  const endpoint = properties.aws_endpoint;
  return {
    region: String(properties.aws_region),
    accessKeyId: String(properties.aws_access_key_id),
    secretAccessKey: String(properties.aws_secret_access_key),
    ...(typeof endpoint === "string" && endpoint !== "" ? { endpoint } : {}),
  };
}

/** A command's output type, read off its middleware handler so that `send` stays typed per command. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Output<C> = C extends { resolveMiddleware(...a: any[]): (...b: any[]) => Promise<{ output: infer O }> } ? O : never;

/**
 * One KMS client per session, and the only way the connector talks to AWS. The SDK's own retries
 * are off: this retries deliberately, only what is transient (throttling, 5xx, a broken
 * connection), with full-jitter backoff from the host's policy, and never past the deadline.
 */
export class Kms {
  private readonly client: KMSClient;

  constructor(connection: AwsConnection) {
    this.client = new KMSClient({
      region: connection.region,
      credentials: { accessKeyId: connection.accessKeyId, secretAccessKey: connection.secretAccessKey },
      ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
      // AWS_ENDPOINT_URL* in the gateway's environment must not silently redirect a keystore.
      ignoreConfiguredEndpointUrls: true,
      maxAttempts: 1,
    });
  }

  async send<C extends { readonly input: object }>(command: C, operation: string, host: ConnectorHost): Promise<Output<C>> {
    try {
      // Each attempt gets its own deadline (host.callTimeoutMs); the SDK abandons the request when it passes.
      // `as never`: KMSClient.send's overloads do not accept a generic command; Output<C> restores the type.
      return await withRetries(host, { operation, isRetryable: (error) => isRetryable(error) || isCallTimeout(error, host) }, async (signal) => {
        try {
          return (await this.client.send(command as never, { abortSignal: signal })) as Output<C>;
        } catch (error) {
          throw signal.aborted ? Object.assign(new Error("aborted"), { name: "AbortError", callTimedOut: !host.signal.aborted }) : error;
        }
      });
    } catch (error) {
      throw toConnectorError(error, operation);
    }
  }

  close(): void {
    this.client.destroy();
  }
}

/** An attempt that ran out of its own time while the operation still has some: worth another try. */
function isCallTimeout(error: unknown, host: ConnectorHost): boolean {
  return (error as { callTimedOut?: boolean })?.callTimedOut === true && !host.signal.aborted;
}
