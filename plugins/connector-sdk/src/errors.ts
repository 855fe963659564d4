/**
 * The closed set of ways a connector call can fail. The gateway maps each code to a keystore
 * health and to a typed API error, so a connector must never invent another one. `UNAVAILABLE`
 * is the gateway's own: the connector's process crashed or was restarted during the call.
 */
export const CONNECTOR_ERROR_CODES = [
  "AUTHENTICATION_FAILED",
  "PERMISSION_DENIED",
  "NOT_FOUND",
  "UNREACHABLE",
  "THROTTLED",
  "INVALID_PROPERTIES",
  "CONFLICT",
  "UNSUPPORTED",
  "REMOTE_ERROR",
  "UNAVAILABLE",
] as const;

export type ConnectorErrorCode = (typeof CONNECTOR_ERROR_CODES)[number];

export interface ConnectorErrorOptions {
  /** Names of the connection properties the error is about (wire names), if any. */
  properties?: readonly string[];
  /** Whether the same call may succeed if retried later (throttling, transient 5xx). */
  retryable?: boolean;
  /** The underlying error, for logs only: it never reaches an API response. */
  cause?: unknown;
}

/**
 * The only error a connector lets escape. `message` is shown to a person, so it must say what
 * went wrong in the remote system's terms and must never contain a secret.
 */
export class ConnectorError extends Error {
  override readonly name = "ConnectorError";
  readonly code: ConnectorErrorCode;
  readonly properties: readonly string[];
  readonly retryable: boolean;

  constructor(code: ConnectorErrorCode, message: string, options: ConnectorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.properties = options.properties ?? [];
    this.retryable = options.retryable ?? (code === "THROTTLED" || code === "UNREACHABLE" || code === "UNAVAILABLE");
  }
}

export function isConnectorError(value: unknown): value is ConnectorError {
  return (
    value instanceof ConnectorError ||
    // A connector may bundle its own copy of the SDK; recognise the shape, not the class identity.
    (typeof value === "object" &&
      value !== null &&
      (value as { name?: unknown }).name === "ConnectorError" &&
      CONNECTOR_ERROR_CODES.includes((value as { code?: ConnectorErrorCode }).code as ConnectorErrorCode))
  );
}
