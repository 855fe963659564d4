import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import type { FaultPlan, SettableClock, TestTlsMaterial } from "@uko/emulator-kit";
import type { IamService } from "./iam.js";
import { kpError, route, type ApiAnswer } from "./kms-api.js";
import type { Instance } from "./state.js";
import type { Fault, RecordedRequest } from "./types.js";

export interface ServerState {
  readonly tls: TestTlsMaterial;
  readonly clock: SettableClock;
  readonly iam: IamService;
  readonly instances: Map<string, Instance>;
  readonly faults: FaultPlan<Fault>;
  readonly log: RecordedRequest[];
  readonly crnBase: string;
  /** Aborted by close(): ends latency waits and hangs. */
  readonly closing: AbortSignal;
}

const MAX_BODY_BYTES = 256 * 1024;

/**
 * One HTTPS listener for IAM (`POST /identity/token`) and the key management API (`/api/v2/…`):
 * the clients take the two as separate URLs, so they can equally be one host here. Every API call
 * goes through faults, the bearer token, the instance, then the route's IAM action, then the route.
 */
export function createIbmServer(state: ServerState): Server {
  const server = createServer({ cert: state.tls.certPem, key: state.tls.keyPem }, (req, res) => {
    handle(state, req, res).catch(() => {
      if (!res.headersSent) res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  return server;
}

async function handle(state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "https://emulator");
  const raw = await readBody(req);
  if (raw === undefined) return send(res, 413, { errorMsg: "Request body too large" });

  if (req.method === "POST" && url.pathname === "/identity/token") {
    const outcome = await applyFaults(state, "IamToken", res);
    if (outcome === "answered") return;
    const answer = state.iam.exchange(new URLSearchParams(raw.toString("utf8")));
    state.log.push({ operation: "IamToken", status: answer.status });
    return send(res, answer.status, answer.body);
  }

  if (!url.pathname.startsWith("/api/v2/")) return send(res, 404, { errorMsg: "Not found" });
  const parts = url.pathname.slice("/api/v2/".length).split("/").filter(Boolean);
  let body: unknown;
  try {
    body = raw.length > 0 ? JSON.parse(raw.toString("utf8")) : undefined;
  } catch {
    return answer(state, res, { operation: "Unknown", status: 0 }, kpError(400, "BAD_BODY_ERR", "The body is not JSON"));
  }
  const matched = route({ method: req.method ?? "GET", parts, query: url.searchParams, body }, state.clock, state.crnBase);
  const instanceId = header(req, "bluemix-instance");
  const record = { operation: matched?.operation ?? "Unknown", ...(instanceId ? { instanceId } : {}), status: 0 };

  if ((await applyFaults(state, record.operation, res)) === "answered") return;
  const identity = state.iam.verify(header(req, "authorization"));
  if (typeof identity === "string") {
    return answer(state, res, record, kpError(401, "UNAUTHORIZED_ERR", identity === "expired" ? "The IAM token has expired" : "The request is not authorized: a valid IAM bearer token is required"));
  }
  const instance = instanceId ? state.instances.get(instanceId) : undefined;
  if (!instance) return answer(state, res, record, kpError(400, "INSTANCE_NOT_FOUND_ERR", "Bad Request: the bluemix-instance header does not name an instance"));
  if (!matched) return answer(state, res, record, kpError(404, "NOT_FOUND_ERR", "No such API"));
  const granted = identity.permissions[instance.id];
  if (!granted || (granted !== "*" && !granted.includes(matched.action))) {
    return answer(state, res, record, kpError(403, "FORBIDDEN_ERR", `The caller lacks ${matched.action} on this instance`));
  }
  const keyRing = header(req, "x-kms-key-ring") ?? "default";
  if (!instance.keyRings.has(keyRing)) return answer(state, res, record, kpError(404, "KEY_RING_NOT_FOUND_ERR", `Key ring ${keyRing} does not exist`));
  return answer(state, res, record, matched.handle(instance, keyRing));
}

async function applyFaults(state: ServerState, operation: string, res: ServerResponse): Promise<"answered" | "go on"> {
  const decision = state.faults.take(operation);
  if (decision.latencyMs > 0) await delay(decision.latencyMs, undefined, { signal: state.closing }).catch(() => undefined);
  const outcome = decision.outcome;
  if (!outcome) return "go on";
  state.log.push({ operation, status: outcome.kind === "throttle" ? 429 : outcome.kind === "server_error" ? (outcome.status ?? 500) : 0 });
  switch (outcome.kind) {
    case "throttle":
      res.setHeader("retry-after", "1");
      send(res, 429, kpError(429, "TOO_MANY_REQUESTS", "Too many requests").body);
      return "answered";
    case "server_error":
      send(res, outcome.status ?? 500, kpError(outcome.status ?? 500, "INTERNAL_SERVER_ERR", "Internal server error").body);
      return "answered";
    case "reset":
      res.socket?.destroy();
      return "answered";
    case "hang":
      await new Promise<void>((resolve) => state.closing.addEventListener("abort", () => resolve(), { once: true }));
      res.socket?.destroy();
      return "answered";
  }
}

function answer(state: ServerState, res: ServerResponse, record: RecordedRequest, result: ApiAnswer): void {
  state.log.push({ ...record, status: result.status });
  send(res, result.status, result.body);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) }).end(text);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
