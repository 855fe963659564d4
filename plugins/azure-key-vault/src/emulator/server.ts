import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import { setTimeout as delay } from "node:timers/promises";
import type { FaultPlan, SettableClock, TestTlsMaterial } from "@uko/emulator-kit";
import { discoveryDocument, issueToken } from "./entra.js";
import { VaultError } from "./errors.js";
import type { StoredKey, VaultStore } from "./state.js";
import { VAULT_RESOURCE, type TokenSigner } from "./tokens.js";
import type { EmulatorPrincipal, Fault, RequestRecord, VaultSku } from "./types.js";
import { API_VERSIONS, route } from "./vault-api.js";

/**
 * One HTTPS server for both sides: paths under `/{tenant}/` are the fake Entra ID, `/keys` and
 * `/deletedkeys` the vault. A vault request goes through injected faults, the api-version check,
 * the bearer token (answering Key Vault's 401 challenge when it is missing or no longer valid),
 * the principal's access policy, and then the operation.
 */
export interface ServerState {
  tls: TestTlsMaterial;
  authorityHost: string;
  tenantId: string;
  vaultName: string;
  sku: VaultSku;
  clock: SettableClock;
  tokenLifetimeSeconds: number;
  principals: Map<string, EmulatorPrincipal>;
  signer: TokenSigner;
  store: VaultStore;
  backups: Map<string, StoredKey>;
  faults: FaultPlan<Fault>;
  log: RequestRecord[];
  closing: AbortSignal;
}

const MAX_BODY_BYTES = 1024 * 1024;
const ENTRA_PATH = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token)$/;

export function createEmulatorServer(state: ServerState): Server {
  const server = createServer({ cert: state.tls.certPem, key: state.tls.keyPem }, (req, res) => {
    handle(state, req, res).catch(() => {
      if (!res.headersSent) res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  return server;
}

async function handle(state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", state.authorityHost);
  const body = await readBody(req);
  const entra = ENTRA_PATH.exec(url.pathname);
  let operation: string;
  let vaultRoute: ReturnType<typeof route> | undefined;
  let routeError: VaultError | undefined;
  if (entra) {
    operation = entra[2]!.startsWith("oauth2") ? "token" : "discovery";
  } else {
    try {
      vaultRoute = route(req.method ?? "GET", url.pathname);
      operation = vaultRoute.operation;
    } catch (error) {
      routeError = error as VaultError;
      operation = "unknown";
    }
  }
  const record: RequestRecord = { operation, status: 0 };

  const faults = state.faults.take(operation);
  if (faults.latencyMs > 0) await delay(faults.latencyMs, undefined, { signal: state.closing });
  if (faults.outcome) return applyFault(state, req, res, record, faults.outcome);

  if (body === undefined) return send(state, res, record, new VaultError(413, "RequestTooLarge", "The request body is too large."));

  const nowSeconds = Math.floor(state.clock.now().getTime() / 1000);
  if (entra) {
    const tenant = decodeURIComponent(entra[1]!);
    if (operation === "discovery") {
      const answer = discoveryDocument(state.authorityHost, tenant);
      return sendJson(state, res, { ...record, ...(answer.errorCode ? { errorCode: answer.errorCode } : {}) }, answer.status, answer.body);
    }
    const form = new URLSearchParams(body.toString("utf8"));
    const clientId = form.get("client_id");
    const answer = issueToken(
      { authorityHost: state.authorityHost, principals: state.principals, vaultTenantId: state.tenantId, signer: state.signer, nowSeconds, tokenLifetimeSeconds: state.tokenLifetimeSeconds },
      tenant,
      form,
    );
    return sendJson(state, res, { ...record, ...(clientId ? { clientId } : {}), ...(answer.errorCode ? { errorCode: answer.errorCode } : {}) }, answer.status, answer.body);
  }

  try {
    if (routeError) throw routeError;
    const apiVersion = url.searchParams.get("api-version");
    if (!apiVersion || !API_VERSIONS.has(apiVersion)) {
      throw new VaultError(400, "BadParameter", `The specified version (${apiVersion ?? "none"}) is not recognized. Consider using the latest supported version (2025-07-01).`);
    }
    const claims = authenticate(state, req, nowSeconds);
    record.clientId = claims.appid;
    const principal = state.principals.get(claims.appid);
    const allowed = principal?.permissions ?? "*";
    if (!principal || (allowed !== "*" && !allowed.includes(vaultRoute!.permission))) {
      throw new VaultError(
        403,
        "Forbidden",
        `The user, group or application 'appid=${claims.appid};oid=${claims.appid};iss=https://sts.windows.net/${claims.tid}/' does not have keys ${vaultRoute!.permission} permission on key vault '${state.vaultName};location=emulator'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`,
      );
    }
    let parsed: Record<string, unknown> = {};
    if (body.length > 0) {
      try {
        parsed = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
      } catch {
        throw new VaultError(400, "BadParameter", "The request body is not valid JSON.");
      }
    }
    state.store.sweep(nowSeconds);
    const answer = await vaultRoute!.run({ store: state.store, sku: state.sku, nowSeconds, query: url.searchParams, backups: state.backups }, parsed);
    sendJson(state, res, record, answer.status, answer.body);
  } catch (error) {
    send(state, res, record, error instanceof VaultError ? error : new VaultError(500, "InternalError", `The emulator failed: ${error instanceof Error ? error.message : String(error)}`));
  }
}

/** The bearer token's claims, or Key Vault's 401 challenge naming the vault's tenant. */
function authenticate(state: ServerState, req: IncomingMessage, nowSeconds: number) {
  const challenge = { "WWW-Authenticate": `Bearer authorization="${state.authorityHost}/${state.tenantId}", resource="${VAULT_RESOURCE}"` };
  const header = req.headers.authorization ?? "";
  if (!header.startsWith("Bearer ")) throw new VaultError(401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.", challenge);
  const claims = state.signer.verify(header.slice("Bearer ".length), nowSeconds);
  if (!claims) throw new VaultError(401, "Unauthorized", "AKV10022: Invalid audience, signature or an expired token.", challenge);
  if (claims.tid !== state.tenantId) {
    throw new VaultError(401, "Unauthorized", `AKV10032: Invalid issuer. Expected one of https://sts.windows.net/${state.tenantId}/, found https://sts.windows.net/${claims.tid}/.`, challenge);
  }
  return claims;
}

function applyFault(state: ServerState, req: IncomingMessage, res: ServerResponse, record: RequestRecord, fault: Exclude<Fault, { kind: "latency" }>): void {
  switch (fault.kind) {
    case "throttle":
      return send(
        state,
        res,
        record,
        new VaultError(429, "Throttled", "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached", {
          "Retry-After": String(fault.retryAfterSeconds ?? 1),
        }),
      );
    case "server_error":
      return send(
        state,
        res,
        record,
        fault.status === 503 ? new VaultError(503, "ServiceUnavailable", "The service is temporarily unavailable.") : new VaultError(500, "InternalServerError", "An internal server error occurred."),
      );
    case "reset":
      state.log.push({ ...record, errorCode: "ConnectionReset" });
      req.socket.destroy();
      return;
    case "hang":
      state.log.push({ ...record, errorCode: "NoResponse" });
      return;
  }
}

function send(state: ServerState, res: ServerResponse, record: RequestRecord, error: VaultError): void {
  const payload = error.toBody();
  res.writeHead(error.status, { ...error.headers, "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(payload), "x-ms-request-id": randomUUID() });
  res.end(payload);
  state.log.push({ ...record, status: error.status, errorCode: error.code });
}

function sendJson(state: ServerState, res: ServerResponse, record: RequestRecord, status: number, body: object | undefined): void {
  const payload = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(payload), "x-ms-request-id": randomUUID() });
  res.end(payload);
  state.log.push({ ...record, status });
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks);
}
