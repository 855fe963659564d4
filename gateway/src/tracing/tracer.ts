import { context, createContextKey, SpanKind, SpanStatusCode, trace, type Attributes, type Tracer } from "@opentelemetry/api";
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { AsyncLocalStorageContextManager } from "./context-manager.js";

/**
 * Optional OpenTelemetry tracing: off (and free) until `startTracing` is called, which main does
 * only when OTEL_EXPORTER_OTLP_ENDPOINT is set. Spans carry types, operation names, outcomes and
 * the request id that logs and audit events carry; never property values or secrets.
 */
let tracer: Tracer | undefined;
let contextManagerSet = false;
const REQUEST_ID = createContextKey("uko.request_id");

/** Starts tracing for this process; returns the function that flushes and stops it. */
export function startTracing(exporter: SpanExporter, o: { batch?: boolean } = {}): () => Promise<void> {
  if (!contextManagerSet) contextManagerSet = context.setGlobalContextManager(new AsyncLocalStorageContextManager());
  const provider = new BasicTracerProvider({ spanProcessors: [o.batch === false ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)] });
  tracer = provider.getTracer("uko-gateway");
  return async () => {
    tracer = undefined;
    await provider.shutdown();
  };
}

export function tracingEnabled(): boolean {
  return tracer !== undefined;
}

/**
 * Runs one GraphQL operation in a span (a server span: it is the request's root here), with the
 * request id in the context so that connector calls made for it carry the id too.
 */
export async function traceOperation<T>(o: { type: string; name: string; requestId: string }, run: () => Promise<T> | T, outcomeOf: (result: T) => string): Promise<T> {
  if (!tracer) return run();
  const span = tracer.startSpan(`${o.type} ${o.name}`, {
    kind: SpanKind.SERVER,
    attributes: { "graphql.operation.type": o.type, "graphql.operation.name": o.name, "uko.request_id": o.requestId },
  });
  const active = trace.setSpan(context.active(), span).setValue(REQUEST_ID, o.requestId);
  try {
    const result = await context.with(active, run);
    const outcome = outcomeOf(result);
    span.setAttribute("uko.outcome", outcome);
    if (outcome !== "ok") span.setStatus({ code: SpanStatusCode.ERROR });
    return result;
  } catch (error) {
    span.setAttribute("uko.outcome", "failed");
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Records a connector call that has just finished as a client span under whatever is active (the
 * GraphQL operation, or nothing for a background round). Made after the fact so the call site
 * stays one line.
 */
export function traceConnectorCall(o: { type: string; operation: string; outcome: string; startedAt: number; endedAt: number }): void {
  if (!tracer) return;
  const requestId = context.active().getValue(REQUEST_ID);
  const attributes: Attributes = { "uko.keystore.type": o.type, "uko.connector.operation": o.operation, "uko.outcome": o.outcome };
  if (typeof requestId === "string") attributes["uko.request_id"] = requestId;
  const span = tracer.startSpan(`connector ${o.type} ${o.operation}`, { kind: SpanKind.CLIENT, startTime: o.startedAt, attributes }, context.active());
  if (o.outcome !== "OK") span.setStatus({ code: SpanStatusCode.ERROR, message: o.outcome });
  span.end(o.endedAt);
}
