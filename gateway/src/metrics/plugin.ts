import { getOperationAST, type DocumentNode, type ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";
import { traceOperation } from "../tracing/tracer.js";
import type { GatewayMetrics } from "./gateway-metrics.js";
import { outcomeOfErrors, outcomeOfStatus, recordGraphqlRequest, type RequestOutcome } from "./graphql-requests.js";
import { OperationNames } from "./labels.js";

interface RequestState {
  started: number;
  operation: string;
  type: string;
  outcome?: RequestOutcome;
}

/**
 * Operations' view of the API: serves /metrics (on the API's port only with its own token; see
 * docs/operations.md), measures every GraphQL request, and traces each operation when tracing is
 * on. Registered first, so that authentication and limits are inside what it measures.
 */
export function observability(o: { metrics: GatewayMetrics; graphqlEndpoint: string; requestIdOf: (request: Request) => string }): Plugin {
  const names = new OperationNames();
  const requests = new WeakMap<Request, RequestState>();
  const operationOf = (document: DocumentNode, operationName: string | null | undefined) => {
    const operation = getOperationAST(document, operationName);
    return { operation: names.label(operation?.name?.value), type: operation?.operation ?? "unknown" };
  };
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname === "/metrics") {
        // Said plainly, rather than falling through to the console's page.
        if (!o.metrics.onApiPort) return endResponse(new fetchAPI.Response("metrics are not served on this port: see UKO_METRICS_TOKEN and UKO_METRICS_ADDRESS\n", { status: 404 }));
        if (!o.metrics.authorized(request.headers.get("authorization"))) {
          return endResponse(new fetchAPI.Response("metrics need their own token: Authorization: Bearer <UKO_METRICS_TOKEN>\n", { status: 401, headers: { "www-authenticate": 'Bearer realm="uko-metrics"' } }));
        }
        return endResponse(new fetchAPI.Response(await o.metrics.render(), { headers: { "content-type": o.metrics.contentType } }));
      }
      if (url.pathname !== o.graphqlEndpoint) return;
      requests.set(request, { started: performance.now(), operation: "unknown", type: "unknown" });
    },
    onExecute({ args, setExecuteFn, executeFn }) {
      const request = (args.contextValue as { request?: Request }).request;
      const state = request && requests.get(request);
      const { operation, type } = operationOf(args.document, args.operationName);
      if (state) Object.assign(state, { operation, type });
      setExecuteFn((executeArgs) =>
        traceOperation({ type, name: operation, requestId: request ? o.requestIdOf(request) : "unknown" }, () => executeFn(executeArgs), (result) =>
          Symbol.asyncIterator in (result as object) ? "ok" : outcomeOfErrors((result as ExecutionResult).errors),
        ),
      );
    },
    onSubscribe({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      const state = request && requests.get(request);
      // A subscription's response is a stream that stays open: it counts when it starts.
      if (state) Object.assign(state, operationOf(args.document, args.operationName), { outcome: "ok" });
    },
    onExecutionResult({ request, result }) {
      const state = requests.get(request);
      if (state && result && !(Symbol.asyncIterator in result)) state.outcome = outcomeOfErrors((result as ExecutionResult).errors);
    },
    onResponse({ request, response }) {
      const state = requests.get(request);
      if (!state) return;
      requests.delete(request);
      const outcome = outcomeOfStatus(response.status) ?? state.outcome;
      // The GraphiQL page and other non-operations end here without an outcome: not requests to count.
      if (!outcome) return;
      recordGraphqlRequest({ operation: state.operation, type: state.type, outcome, seconds: (performance.now() - state.started) / 1000 });
    },
  };
}
