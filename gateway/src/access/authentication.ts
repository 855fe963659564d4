import type { Plugin } from "graphql-yoga";
import type { Db } from "../db/client.js";
import type { Actor } from "./actor.js";
import type { AuditLog } from "./audit.js";
import type { RateLimiter } from "./rate-limit.js";
import { authenticate } from "./tokens.js";

const actors = new WeakMap<Request, Actor>();

/** The actor the authentication step found for this request. */
export function actorOf(request: Request): Actor | undefined {
  return actors.get(request);
}

export function sourceAddressOf(serverContext: unknown): string | null {
  return (serverContext as { req?: { socket?: { remoteAddress?: string } } } | undefined)?.req?.socket?.remoteAddress ?? null;
}

/**
 * Every API request needs `Authorization: Bearer <token>`. Only the GraphiQL page (a browser's
 * GET of /graphql for HTML), the health endpoints and the console's files are served without one.
 * A refused request gets 401 and an audit event; the caller is never told why beyond "invalid".
 */
export function requireToken(o: { db: Db; audit: AuditLog; graphqlEndpoint: string; requestIdOf: (r: Request) => string; limiter: RateLimiter }): Plugin {
  return {
    async onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      if (url.pathname !== o.graphqlEndpoint) return;
      if (request.method === "GET" && (request.headers.get("accept") ?? "").includes("text/html")) return;
      const result = await authenticate(o.db, request.headers.get("authorization"), new Date());
      if ("actor" in result) {
        const wait = o.limiter.take(result.actor.tokenId);
        if (wait > 0) {
          endResponse(
            fetchAPI.Response.json(
              { errors: [{ message: `Too many requests for this access token; retry in ${wait} s`, extensions: { code: "RATE_LIMITED", retryAfterSeconds: wait } }] },
              { status: 429, headers: { "retry-after": String(wait), "x-request-id": o.requestIdOf(request) } },
            ),
          );
          return;
        }
        actors.set(request, result.actor);
        // A write per request would cost more than it tells: a minute's precision is enough.
        if (!result.lastUsedAt || Date.now() - result.lastUsedAt.getTime() > 60_000) {
          void o.db.accessToken.update({ where: { id: result.actor.tokenId }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
        }
        return;
      }
      await o.audit.appendOrReport({
        actorId: result.tokenId ?? null,
        actorName: result.tokenName ?? null,
        action: "auth.authenticate",
        outcome: "denied",
        reason: result.failure.toUpperCase(),
        requestId: o.requestIdOf(request),
        sourceAddress: sourceAddressOf(serverContext),
      });
      const message = result.failure === "missing" ? "This API needs an access token: send Authorization: Bearer <token>" : "The access token is not valid (unknown, revoked or expired)";
      endResponse(
        fetchAPI.Response.json(
          { errors: [{ message, extensions: { code: "UNAUTHENTICATED" } }] },
          { status: 401, headers: { "www-authenticate": 'Bearer realm="uko"', "x-request-id": o.requestIdOf(request) } },
        ),
      );
    },
  };
}
