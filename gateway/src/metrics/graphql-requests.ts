import { Counter, Histogram } from "prom-client";
import { processRegistry } from "./registry.js";

/**
 * How a GraphQL request ended, from a closed set: ok (typed errors such as a validation error are
 * answers, so ok too), error (a GraphQL error in the result), denied (not allowed), invalid (could
 * not be parsed or validated, or too complex), failed (an unexpected error), unauthenticated,
 * rate_limited, too_large.
 */
export type RequestOutcome = "ok" | "error" | "denied" | "invalid" | "failed" | "unauthenticated" | "rate_limited" | "too_large";

const requests = new Counter({
  name: "uko_graphql_requests_total",
  help: "GraphQL requests by operation name (capped: anonymous, other, unknown when refused before parsing), operation type and outcome",
  labelNames: ["operation", "type", "outcome"],
  registers: [processRegistry],
});
const duration = new Histogram({
  name: "uko_graphql_request_duration_seconds",
  help: "How long GraphQL requests took, authentication included, by operation name and type",
  labelNames: ["operation", "type"],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [processRegistry],
});
const rateLimited = new Counter({
  name: "uko_rate_limited_requests_total",
  help: "Requests refused because their access token exceeded its rate limit (HTTP 429)",
  registers: [processRegistry],
});
const unauthenticated = new Counter({
  name: "uko_authentication_refused_total",
  help: "Requests refused because their access token was missing, unknown, revoked or expired (HTTP 401)",
  registers: [processRegistry],
});

export function recordGraphqlRequest(r: { operation: string; type: string; outcome: RequestOutcome; seconds: number }): void {
  requests.inc({ operation: r.operation, type: r.type, outcome: r.outcome });
  duration.observe({ operation: r.operation, type: r.type }, r.seconds);
  if (r.outcome === "rate_limited") rateLimited.inc();
  if (r.outcome === "unauthenticated") unauthenticated.inc();
}

/** The outcome an HTTP status alone tells, or undefined when the result's errors must tell. */
export function outcomeOfStatus(status: number): RequestOutcome | undefined {
  if (status === 401) return "unauthenticated";
  if (status === 429) return "rate_limited";
  if (status === 413) return "too_large";
  if (status >= 500) return "failed";
  if (status >= 400) return "invalid";
  return undefined;
}

/** The outcome a GraphQL result's errors tell. */
export function outcomeOfErrors(errors: readonly { extensions?: Record<string, unknown> }[] | undefined): RequestOutcome {
  if (!errors || errors.length === 0) return "ok";
  const codes = errors.map((e) => e.extensions?.code);
  if (codes.includes("INTERNAL_SERVER_ERROR")) return "failed";
  if (codes.includes("FORBIDDEN")) return "denied";
  if (codes.every((c) => c === "QUERY_TOO_COMPLEX" || c === "GRAPHQL_VALIDATION_FAILED" || c === "GRAPHQL_PARSE_FAILED")) return "invalid";
  return "error";
}
