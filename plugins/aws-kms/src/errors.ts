import { ConnectorError } from "@uko/connector-sdk";

/**
 * Turns whatever the AWS SDK throws into a ConnectorError with a message for a person. AWS's own
 * messages never contain the secret access key, and they name the principal and resource, which
 * is what a person needs to fix a policy, so they are kept.
 */
interface AwsLikeError {
  name?: string;
  message?: string;
  code?: string;
  $fault?: "client" | "server";
  $metadata?: { httpStatusCode?: number };
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "ECONNABORTED"]);

export function isThrottling(error: unknown): boolean {
  const name = (error as AwsLikeError)?.name;
  return name === "ThrottlingException" || name === "LimitExceededException" || (error as AwsLikeError)?.$metadata?.httpStatusCode === 429;
}

/** Transient: throttling, AWS's 5xx, and a connection that broke. Never authentication or validation. */
export function isRetryable(error: unknown): boolean {
  if (isThrottling(error)) return true;
  const e = error as AwsLikeError;
  if (e?.name === "AbortError") return false;
  if ((e?.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  return isNetworkError(error);
}

function isNetworkError(error: unknown): boolean {
  const e = error as AwsLikeError & { cause?: unknown };
  if (e?.$metadata?.httpStatusCode !== undefined) return false;
  if (NETWORK_CODES.has(e?.code ?? "")) return true;
  if (e?.name === "TimeoutError" || e?.name === "RequestTimeout") return true;
  return e?.cause !== undefined && e.cause !== error && isNetworkError(e.cause);
}

export function toConnectorError(error: unknown, operation: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const e = (error ?? {}) as AwsLikeError;
  const awsMessage = e.message && e.message !== "UnknownError" ? e.message : undefined;
  const said = awsMessage ? `: ${awsMessage}` : "";
  switch (e.name) {
    case "UnrecognizedClientException":
      return new ConnectorError(
        "AUTHENTICATION_FAILED",
        "AWS does not recognise the access key ID (unknown key id, or a deleted or deactivated key)",
        { properties: ["aws_access_key_id"] },
      );
    case "InvalidSignatureException":
      if (/scoped to a valid region|region/i.test(awsMessage ?? "") && !/secret/i.test(awsMessage ?? "")) {
        return new ConnectorError("INVALID_PROPERTIES", `AWS refused the request's region${said}`, { properties: ["aws_region", "aws_endpoint"] });
      }
      if (/expired|not yet current|time/i.test(awsMessage ?? "") && !/secret/i.test(awsMessage ?? "")) {
        return new ConnectorError("AUTHENTICATION_FAILED", `AWS refused the request's time; check the gateway's clock${said}`);
      }
      return new ConnectorError("AUTHENTICATION_FAILED", "AWS refused the signature: the secret access key does not match the access key ID", {
        properties: ["aws_secret_access_key"],
      });
    case "IncompleteSignatureException":
    case "MissingAuthenticationTokenException":
    case "ExpiredTokenException":
      return new ConnectorError("AUTHENTICATION_FAILED", `AWS refused the credentials${said}`, { properties: ["aws_access_key_id", "aws_secret_access_key"] });
    case "AccessDeniedException":
      return new ConnectorError("PERMISSION_DENIED", `AWS denied ${operation}${said}`);
    case "NotFoundException":
      return new ConnectorError("NOT_FOUND", `AWS KMS has no such key or alias${said}`);
    case "AlreadyExistsException":
    case "DisabledException":
    case "KMSInvalidStateException":
    case "IncorrectKeyMaterialException":
      return new ConnectorError("CONFLICT", `AWS refused ${operation}${said}`);
    case "ExpiredImportTokenException":
    case "InvalidImportTokenException":
    case "InvalidCiphertextException":
      return new ConnectorError("REMOTE_ERROR", `AWS refused the wrapped key material in ${operation}${said}`);
    case "UnsupportedOperationException":
    case "CustomKeyStoreInvalidStateException":
      return new ConnectorError("UNSUPPORTED", `AWS KMS does not support ${operation} here${said}`);
    case "AbortError":
      return new ConnectorError("UNREACHABLE", `AWS KMS did not answer ${operation} before the deadline`);
  }
  if (isThrottling(error)) return new ConnectorError("THROTTLED", `AWS KMS is throttling ${operation}; try again later`);
  if (isNetworkError(error)) return new ConnectorError("UNREACHABLE", `AWS KMS cannot be reached (${e.code ?? e.name ?? "network error"})`);
  if (e.name === "SyntaxError" || /Deserialization error/i.test(e.message ?? "")) {
    return new ConnectorError("UNREACHABLE", "The endpoint answered, but not as AWS KMS does; check the endpoint");
  }
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) {
    return new ConnectorError("REMOTE_ERROR", `AWS KMS failed ${operation} (HTTP ${status}, ${e.name ?? "server error"})`, { retryable: true });
  }
  return new ConnectorError("REMOTE_ERROR", `AWS KMS refused ${operation} (${e.name ?? "unknown error"})${said}`);
}
