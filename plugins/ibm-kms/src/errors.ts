import { ConnectorError } from "@uko/connector-sdk";

/** What ibm-cloud-sdk-core rejects with: an Error with the HTTP status and the parsed body, or a network failure. */
interface SdkError {
  name?: string;
  message?: string;
  status?: number;
  statusText?: string;
  result?: unknown;
  headers?: Record<string, string>;
  code?: string | number;
  callTimedOut?: boolean;
}

/** IAM's error body: `{ errorCode: "BXNIM0415E", errorMessage: "Provided API key could not be found." }`. */
function iamError(result: unknown): { code?: string; message?: string } {
  const r = result as { errorCode?: string; errorMessage?: string } | undefined;
  return { code: r?.errorCode, message: r?.errorMessage };
}

/** Key Protect's error body: `{ resources: [{ errorMsg, reasons: [{ code, message }] }] }`. */
function kmsReason(result: unknown): { code?: string; message?: string } {
  const r = (result as { resources?: { errorMsg?: string; reasons?: { code?: string; message?: string }[] }[] } | undefined)?.resources?.[0];
  return { code: r?.reasons?.[0]?.code, message: r?.reasons?.[0]?.message ?? r?.errorMsg };
}

export function isRetryable(error: unknown): boolean {
  const e = error as SdkError;
  if (e?.callTimedOut) return true;
  if (e?.status === 429 || (e?.status !== undefined && e.status >= 500)) return true;
  return e?.status === undefined && isNetwork(e);
}

function isNetwork(e: SdkError): boolean {
  return ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "ERR_CANCELED", "ECONNABORTED"].includes(String(e?.statusText ?? e?.code ?? ""));
}

/**
 * Maps a failure of an IAM or Key Protect call to the contract's codes, with IBM's own reason in
 * the message (never the API key: IAM does not echo it, and nothing here adds it).
 */
export function toConnectorError(error: unknown, operation: string, source: "iam" | "kms"): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const e = error as SdkError;
  if (e?.name === "AbortError" || e?.statusText === "ERR_CANCELED") {
    return new ConnectorError("UNREACHABLE", `IBM Cloud did not answer ${operation} before the deadline`);
  }
  if (e?.status === undefined) {
    if (/certificate|self.signed|unable to verify/i.test(e?.message ?? "")) {
      return new ConnectorError("UNREACHABLE", `The ${source === "iam" ? "IAM" : "API"} endpoint's TLS certificate is not trusted; check the endpoint or the trusted CA certificate`, { properties: ["ibm_ca_certificate"] });
    }
    return new ConnectorError("UNREACHABLE", `IBM Cloud ${source === "iam" ? "IAM" : "key management"} cannot be reached (${String(e?.statusText ?? e?.code ?? "network error")})`);
  }
  if (source === "iam") {
    const { code, message } = iamError(e.result);
    if (e.status === 400 || e.status === 401 || e.status === 403) {
      // BXNIM0415E: the key does not exist (deleted, or a typo); BXNIM0407E: the key is locked or disabled.
      const why = code === "BXNIM0415E" ? "IBM Cloud IAM does not know this API key (it was deleted, or mistyped)" : `IBM Cloud IAM refused the API key${message ? `: ${message}` : ""}`;
      return new ConnectorError("AUTHENTICATION_FAILED", `${why}${code ? ` (${code})` : ""}`, { properties: ["ibm_api_key"] });
    }
    if (e.status === 429) return new ConnectorError("THROTTLED", "IBM Cloud IAM is throttling token requests; try again later");
    return new ConnectorError("REMOTE_ERROR", `IBM Cloud IAM failed (${e.status}${message ? `: ${message}` : ""})`, { retryable: e.status >= 500 });
  }
  const { code, message } = kmsReason(e.result);
  const said = message ? `: ${message}` : "";
  switch (e.status) {
    case 400:
    case 422:
      return new ConnectorError("REMOTE_ERROR", `Key management refused ${operation}${said}${code ? ` (${code})` : ""}`);
    case 401:
      return new ConnectorError("AUTHENTICATION_FAILED", `Key management did not accept the IAM token${said}`, { properties: ["ibm_api_key"] });
    case 403:
      return new ConnectorError("PERMISSION_DENIED", `The service ID may not ${operation} in this instance${said}`);
    case 404:
      return new ConnectorError("NOT_FOUND", `Not found in the instance: ${operation}${said}`);
    case 409:
      return new ConnectorError("CONFLICT", `${operation} conflicts with the key's state${said}`);
    case 429:
      return new ConnectorError("THROTTLED", `Key management is throttling ${operation}; try again later`);
  }
  // A 5xx is IBM's own failure: the gateway may try the operation again later.
  return new ConnectorError("REMOTE_ERROR", `Key management failed ${operation} (${e.status}${said})`, { retryable: e.status >= 500 });
}
