import type { CORSOptions } from "graphql-yoga";

/**
 * Cross-origin calls: none by default (the console is served from the gateway's own origin and
 * needs none). Only an origin on the allow-list gets CORS headers, and only its own origin echoed;
 * any other origin gets no CORS headers at all, so the browser keeps the answer from the page.
 */
export function corsPolicy(allowed: readonly string[]): (request: Request) => CORSOptions {
  const origins = new Set(allowed);
  return (request) => {
    const origin = request.headers.get("origin");
    if (!origin || !origins.has(origin)) return false;
    return { origin: [origin], credentials: true, methods: ["GET", "POST"], allowedHeaders: ["authorization", "content-type", "accept", "x-graphql-yoga-csrf"], exposedHeaders: ["x-request-id", "retry-after"] };
  };
}
