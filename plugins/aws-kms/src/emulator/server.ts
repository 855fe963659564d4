import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import { principalOf } from "./access.js";
import { KmsError } from "./errors.js";
import type { FaultPlan } from "./faults.js";
import type { ImportTokens } from "./import.js";
import { Input } from "./input.js";
import { OPERATIONS, runOperation } from "./operations.js";
import type { Paginator } from "./pagination.js";
import { claimedAccessKeyId, verifySigV4 } from "./sigv4.js";
import type { KmsStore } from "./state.js";
import type { EmulatorIdentity, Fault, RequestRecord } from "./types.js";

/**
 * The HTTP side of the emulator: AWS JSON 1.1 as KMS speaks it (sdk-loopback §2.2). Every request
 * is `POST /` with `x-amz-target: TrentService.<Operation>`; it goes through injected faults,
 * SigV4, then the operation (which authorises before anything else). Every answer carries the
 * emulator's clock in `Date`, because the AWS SDK corrects its own clock from that header.
 */
export interface ServerState {
  region: string;
  accountId: string;
  now: () => Date;
  identities: Map<string, EmulatorIdentity>;
  store: KmsStore;
  tokens: ImportTokens;
  paginator: Paginator;
  faults: FaultPlan;
  log: RequestRecord[];
  /** Aborted by close(): ends the waits of latency faults. */
  closing: AbortSignal;
}

const TARGET_PREFIX = "TrentService.";
/** Far above any KMS request (import blobs are at most 6 KiB); a bigger body is refused unread. */
const MAX_BODY_BYTES = 1024 * 1024;
const CONTENT_TYPE = "application/x-amz-json-1.1";

export function createKmsServer(state: ServerState): Server {
  const server = createServer((req, res) => {
    handle(state, req, res).catch(() => {
      // The client went away mid-request, or the emulator closed; nobody is left to answer.
      if (!res.headersSent) res.destroy();
    });
  });
  // Clients keep connections alive between calls, as the SDK does against AWS.
  server.keepAliveTimeout = 5_000;
  return server;
}

async function handle(state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const target = single(req.headers["x-amz-target"]);
  const operation = target?.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : (target ?? "");
  const claimed = claimedAccessKeyId(single(req.headers.authorization));
  const record: RequestRecord = { operation, ...(claimed ? { accessKeyId: claimed } : {}), status: 0 };

  if (body === undefined) return answer(state, res, record, new KmsError("RequestEntityTooLargeException", "The request body is too large.", 413));

  const faults = state.faults.take(operation);
  if (faults.latencyMs > 0) await delay(faults.latencyMs, undefined, { signal: state.closing });
  if (faults.outcome) return applyFault(state, req, res, record, faults.outcome);

  const now = state.now();
  try {
    if (req.method !== "POST" || !target?.startsWith(TARGET_PREFIX) || !Object.hasOwn(OPERATIONS, operation)) {
      throw new KmsError("UnknownOperationException", `Unknown operation ${target ?? "(no x-amz-target header)"}`);
    }
    const accessKeyId = verifySigV4(
      { method: req.method, url: req.url ?? "/", headers: req.headersDistinct, body },
      { region: state.region, service: "kms", now, secretFor: (id) => state.identities.get(id)?.secretAccessKey },
    );
    const identity = state.identities.get(accessKeyId)!;
    state.store.sweep(now);
    const output = await runOperation(operation, { principal: principalOf(identity, state.accountId), store: state.store, tokens: state.tokens, paginator: state.paginator, now }, Input.parse(body.toString("utf8")));
    answer(state, res, record, output, now);
  } catch (error) {
    answer(state, res, record, error instanceof KmsError ? error : internalError(error), now);
  }
}

function applyFault(state: ServerState, req: IncomingMessage, res: ServerResponse, record: RequestRecord, fault: Exclude<Fault, { kind: "latency" }>): void {
  switch (fault.kind) {
    case "throttle":
      return answer(state, res, record, new KmsError("ThrottlingException", "Rate exceeded"));
    case "server_error":
      return answer(
        state,
        res,
        record,
        fault.status === 503
          ? new KmsError("DependencyTimeoutException", "The system timed out while trying to fulfill the request. You can retry the request.", 503)
          : new KmsError("KMSInternalException", "The request was rejected because an internal exception occurred. The request can be retried.", 500),
      );
    case "reset":
      state.log.push({ ...record, status: 0, errorType: "ConnectionReset" });
      req.socket.destroy();
      return;
    case "hang":
      // No answer at all; close() destroys the connection.
      state.log.push({ ...record, status: 0, errorType: "NoResponse" });
      return;
  }
}

function answer(state: ServerState, res: ServerResponse, record: RequestRecord, result: KmsError | object | undefined, now = state.now()): void {
  const error = result instanceof KmsError ? result : undefined;
  const payload = error ? error.toBody() : result === undefined ? "" : JSON.stringify(result);
  const status = error?.status ?? 200;
  res.sendDate = false;
  res.writeHead(status, {
    Date: now.toUTCString(),
    "Content-Type": CONTENT_TYPE,
    "Content-Length": Buffer.byteLength(payload),
    "x-amzn-RequestId": randomUUID(),
  });
  res.end(payload);
  state.log.push({ ...record, status, ...(error ? { errorType: error.code } : {}) });
}

function internalError(error: unknown): KmsError {
  // A bug in the emulator: say what it was, in AWS's shape, so a test shows it.
  return new KmsError("KMSInternalException", `The emulator failed: ${error instanceof Error ? error.message : String(error)}`, 500);
}

/**
 * The whole body, or undefined when it is larger than any KMS request can be. An oversized body is
 * still read to its end (and dropped), so that the connection can carry the answer.
 */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(",") : value;
}
