import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Db } from "../db/client.js";
import type { Actor } from "./actor.js";
import type { RateLimiter } from "./rate-limit.js";
import type { SharedRateLimiter } from "./shared-rate-limit.js";
import type { RefusedAuthentications } from "./refusals.js";
import { authenticate } from "./tokens.js";
import type { VerifiedTokens } from "./verified-tokens.js";

const actors = new WeakMap<Request, Actor>();

/** The actor the authentication step found for this request. */
export function actorOf(request: Request): Actor | undefined {
  return actors.get(request);
}

/**
 * The actor of a request that is about to execute, or a 401: the last line of defence, where a
 * request becomes an execution. Whatever path or route let a request through to Yoga, no
 * operation (query, mutation or subscription) runs without an authenticated actor.
 */
export function requireActor(request: Request): Actor {
  const actor = actors.get(request);
  if (actor) return actor;
  throw new GraphQLError(MESSAGES.missing, { extensions: { code: "UNAUTHENTICATED", http: { status: 401, headers: { "www-authenticate": 'Bearer realm="uko"' } } } });
}

/** Longest client address kept (an IPv6 address with a zone fits; a forged header does not grow the log). */
const MAX_ADDRESS = 64;

/**
 * The client's address: the socket's peer, or, behind a trusted reverse proxy, the last entry of
 * the header that proxy sets (the entry the proxy itself appended; earlier ones are the client's
 * word). Configure the header only when every request comes through that proxy.
 */
export function clientAddress(serverContext: unknown, request: Request, trustedProxyHeader?: string): string | null {
  if (trustedProxyHeader) {
    const forwarded = request.headers.get(trustedProxyHeader);
    const last = forwarded?.split(",").pop()?.trim();
    if (last) return last.slice(0, MAX_ADDRESS);
  }
  return (serverContext as { req?: { socket?: { remoteAddress?: string } } } | undefined)?.req?.socket?.remoteAddress ?? null;
}

const MESSAGES = {
  missing: "This API needs an access token: send Authorization: Bearer <token>",
  invalid: "The access token is not valid (unknown, revoked or expired)",
};

/**
 * Every request that gets this far needs `Authorization: Bearer <token>`, whatever its path: the
 * health endpoints and the console's files are answered by the plugins before this one, and
 * GraphiQL's page by Yoga's own plugin before any of them. A refused request gets 401 (429 once its
 * address has been refused too often) and is counted for the audit log, one row per source and
 * reason per interval; the caller is never told why beyond "invalid".
 */
export function requireToken(o: {
  db: Db;
  /** Tokens verified within the last second, dropped at once when their access changes. */
  verified?: VerifiedTokens;
  refusals: RefusedAuthentications;
  requestIdOf: (r: Request) => string;
  /** Per access token (shared by the replicas on PostgreSQL). */
  limiter: RateLimiter | SharedRateLimiter;
  /** Per client address, for requests without a valid token. */
  unauthenticatedLimiter: RateLimiter;
  trustedProxyHeader?: string;
}): Plugin {
  return {
    async onRequest({ request, serverContext, endResponse, fetchAPI }) {
      const tooMany = (wait: number, message: string) =>
        endResponse(
          fetchAPI.Response.json(
            { errors: [{ message, extensions: { code: "RATE_LIMITED", retryAfterSeconds: wait } }] },
            { status: 429, headers: { "retry-after": String(wait), "x-request-id": o.requestIdOf(request) } },
          ),
        );
      const result = await authenticate(o.db, request.headers.get("authorization"), new Date(), o.verified);
      if ("actor" in result) {
        const wait = await o.limiter.take(result.actor.tokenId);
        if (wait > 0) return tooMany(wait, `Too many requests for this access token; retry in ${wait} s`);
        actors.set(request, result.actor);
        // A write per request would cost more than it tells: a minute's precision is enough.
        if (!result.lastUsedAt || Date.now() - result.lastUsedAt.getTime() > 60_000) {
          o.verified?.touched(result.hash, new Date());
          void o.db.accessToken.update({ where: { id: result.actor.tokenId }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
        }
        return;
      }
      const source = clientAddress(serverContext, request, o.trustedProxyHeader);
      o.refusals.record({ sourceAddress: source, reason: result.failure.toUpperCase(), tokenId: result.tokenId ?? null, tokenName: result.tokenName ?? null, requestId: o.requestIdOf(request) });
      const wait = o.unauthenticatedLimiter.take(source ?? "unknown");
      if (wait > 0) return tooMany(wait, `Too many requests without a valid access token from this address; retry in ${wait} s`);
      endResponse(
        fetchAPI.Response.json(
          { errors: [{ message: result.failure === "missing" ? MESSAGES.missing : MESSAGES.invalid, extensions: { code: "UNAUTHENTICATED" } }] },
          { status: 401, headers: { "www-authenticate": 'Bearer realm="uko"', "x-request-id": o.requestIdOf(request) } },
        ),
      );
    },
  };
}

/**
 * Yoga would serve GraphQL on any path that ends in the endpoint (`/x/graphql`, `/graphql/`, a
 * query string ending in it); the API answers on the exact path only.
 */
export function exactEndpoint(endpoint: string): Plugin {
  return {
    onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== endpoint) {
        endResponse(fetchAPI.Response.json({ errors: [{ message: `Not found: the API is at ${endpoint}`, extensions: { code: "NOT_FOUND" } }] }, { status: 404 }));
      }
    },
  };
}
