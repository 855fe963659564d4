import type { Attributes, AttributeValue, HrTime } from "@opentelemetry/api";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";

type ExportResult = Parameters<SpanExporter["export"]>[1] extends (result: infer R) => void ? R : never;
const SUCCESS = 0;
const FAILED = 1;

/**
 * Sends finished spans to an OpenTelemetry collector as OTLP/HTTP with the JSON encoding
 * (POST <endpoint>/v1/traces). The official exporter package needs a newer Node than the gateway
 * supports; the protocol is this one request. Spans that cannot be delivered are dropped (the
 * batch processor retries nothing): tracing must never hold the gateway up.
 */
export class OtlpHttpJsonExporter implements SpanExporter {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly o: { url: string; headers?: Record<string, string>; serviceName: string; timeoutMs?: number; onError?: (error: unknown) => void },
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const body = JSON.stringify(encodeSpans(spans, this.o.serviceName));
    const sent = fetch(this.o.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...this.o.headers },
      body,
      signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
    })
      .then(async (response) => {
        await response.arrayBuffer(); // free the connection
        if (!response.ok) throw new Error(`the collector answered HTTP ${response.status}`);
        done({ code: SUCCESS } as ExportResult);
      })
      .catch((error: unknown) => {
        this.o.onError?.(error);
        done({ code: FAILED, error: error instanceof Error ? error : new Error(String(error)) } as ExportResult);
      });
    this.pending.add(sent);
    void sent.finally(() => this.pending.delete(sent));
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.pending);
  }

  shutdown(): Promise<void> {
    return this.forceFlush();
  }
}

/** Where to send traces: the traces endpoint as given, or the base endpoint with /v1/traces. */
export function tracesUrl(env: { OTEL_EXPORTER_OTLP_ENDPOINT?: string; OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string }): string | undefined {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "")}/v1/traces`;
}

/** OTEL_EXPORTER_OTLP_HEADERS: `key=value,key2=value2` (values URL-encoded), e.g. a collector's API key. */
export function parseOtlpHeaders(value: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (value ?? "").split(",")) {
    const at = pair.indexOf("=");
    if (at > 0) headers[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return headers;
}

// ---- the OTLP JSON encoding (opentelemetry-proto, trace/v1, with hex ids as the JSON mapping says)

export function encodeSpans(spans: readonly ReadableSpan[], serviceName: string) {
  const byScope = new Map<string, { scope: { name: string; version?: string }; spans: unknown[] }>();
  for (const span of spans) {
    const key = `${span.instrumentationScope.name}@${span.instrumentationScope.version ?? ""}`;
    let entry = byScope.get(key);
    if (!entry) byScope.set(key, (entry = { scope: { name: span.instrumentationScope.name, ...(span.instrumentationScope.version ? { version: span.instrumentationScope.version } : {}) }, spans: [] }));
    const context = span.spanContext();
    entry.spans.push({
      traceId: context.traceId,
      spanId: context.spanId,
      ...(span.parentSpanContext ? { parentSpanId: span.parentSpanContext.spanId } : {}),
      name: span.name,
      kind: span.kind + 1, // the API counts from INTERNAL = 0, the protocol from UNSPECIFIED = 0
      startTimeUnixNano: nanos(span.startTime),
      endTimeUnixNano: nanos(span.endTime),
      attributes: encodeAttributes(span.attributes),
      droppedAttributesCount: span.droppedAttributesCount,
      status: { code: span.status.code, ...(span.status.message ? { message: span.status.message } : {}) },
    });
  }
  const resource = { "service.name": serviceName, ...spans[0]?.resource.attributes };
  if (String(resource["service.name"]).startsWith("unknown_service")) resource["service.name"] = serviceName;
  return { resourceSpans: [{ resource: { attributes: encodeAttributes(resource as Attributes) }, scopeSpans: [...byScope.values()] }] };
}

function nanos([seconds, nanoseconds]: HrTime): string {
  return (BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds)).toString();
}

function encodeAttributes(attributes: Attributes) {
  return Object.entries(attributes)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => ({ key, value: anyValue(value!) }));
}

function anyValue(value: AttributeValue): unknown {
  if (Array.isArray(value)) return { arrayValue: { values: value.filter((v) => v !== null && v !== undefined).map((v) => anyValue(v as AttributeValue)) } };
  if (typeof value === "boolean") return { boolValue: value };
  if (typeof value === "number") return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  return { stringValue: String(value) };
}
