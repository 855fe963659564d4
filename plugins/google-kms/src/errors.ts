import { status } from "@grpc/grpc-js";
import { ConnectorError } from "@uko/connector-sdk";

/**
 * Turns what the Google SDK throws (gRPC status errors) into a ConnectorError with a message for
 * a person. Google's own messages name the permission and resource, never the key file's
 * contents, so they are kept.
 */
interface GrpcLikeError {
  code?: number;
  details?: string;
  message?: string;
  name?: string;
}

/** The key file's property: where a refused credential points a person. */
const CREDENTIALS = ["google_credentials"];

/** Transient: Google unavailable, throttling, a call that ran out of time. Never authentication. */
export function isRetryable(error: unknown): boolean {
  const e = error as GrpcLikeError;
  if (isCredentialFailure(e)) return false;
  return e?.code === status.UNAVAILABLE || e?.code === status.RESOURCE_EXHAUSTED || e?.code === status.DEADLINE_EXCEEDED || e?.code === status.INTERNAL;
}

/** The SDK could not sign its JWT (a private key that is not one): gRPC reports it as a metadata failure. */
function isCredentialFailure(e: GrpcLikeError): boolean {
  return /Getting metadata from plugin failed/i.test(e?.details ?? e?.message ?? "");
}

export function toConnectorError(error: unknown, operation: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const e = (error ?? {}) as GrpcLikeError;
  const said = e.details ? `: ${e.details}` : "";
  if (isCredentialFailure(e)) {
    return new ConnectorError("AUTHENTICATION_FAILED", "The service account's private key in the JSON key file could not sign a request", { properties: CREDENTIALS });
  }
  switch (e.code) {
    case status.UNAUTHENTICATED:
      return new ConnectorError(
        "AUTHENTICATION_FAILED",
        "Google refused the service account's credentials (a deleted or disabled key, a deleted service account, or a key of another account)",
        { properties: CREDENTIALS },
      );
    case status.PERMISSION_DENIED:
      return new ConnectorError("PERMISSION_DENIED", `Google denied ${operation}${said}`);
    case status.NOT_FOUND:
      return new ConnectorError("NOT_FOUND", `Cloud KMS has no such resource${said}`);
    case status.ALREADY_EXISTS:
    case status.FAILED_PRECONDITION:
    case status.ABORTED:
      return new ConnectorError("CONFLICT", `Cloud KMS refused ${operation}${said}`);
    case status.INVALID_ARGUMENT:
    case status.OUT_OF_RANGE:
      return new ConnectorError("REMOTE_ERROR", `Cloud KMS refused ${operation} as invalid${said}`);
    case status.UNIMPLEMENTED:
      return new ConnectorError("UNSUPPORTED", `Cloud KMS does not support ${operation} here${said}`);
    case status.RESOURCE_EXHAUSTED:
      return new ConnectorError("THROTTLED", `Cloud KMS is throttling ${operation} (quota exceeded); try again later`);
    case status.UNAVAILABLE:
      return new ConnectorError("UNREACHABLE", `Cloud KMS cannot be reached${said}`);
    case status.DEADLINE_EXCEEDED:
    case status.CANCELLED:
      return new ConnectorError("UNREACHABLE", `Cloud KMS did not answer ${operation} before the deadline`);
    case status.INTERNAL:
    case status.UNKNOWN:
    case status.DATA_LOSS:
      return new ConnectorError("REMOTE_ERROR", `Cloud KMS failed ${operation}${said}`, { retryable: true });
  }
  return new ConnectorError("REMOTE_ERROR", `Cloud KMS refused ${operation} (${e.name ?? "unknown error"})`);
}
