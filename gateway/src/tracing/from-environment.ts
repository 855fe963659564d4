import type { ConnectorLogger } from "@uko/connector-sdk";
import { OtlpHttpJsonExporter, parseOtlpHeaders, tracesUrl } from "./otlp-http-exporter.js";
import { startTracing } from "./tracer.js";

/**
 * Tracing as the standard OpenTelemetry variables configure it: on only when
 * OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, and only over
 * OTLP/HTTP with JSON. Returns how to stop it, or undefined when tracing is off.
 */
export function startTracingFromEnvironment(env: Record<string, string | undefined>, logger: ConnectorLogger): (() => Promise<void>) | undefined {
  const url = tracesUrl(env);
  if (!url) return undefined;
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL;
  if (protocol && protocol !== "http/json") logger.warn("only OTLP over HTTP with JSON is supported; sending traces as http/json", { protocol });
  let reported = false;
  const exporter = new OtlpHttpJsonExporter({
    url,
    headers: parseOtlpHeaders(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS ?? env.OTEL_EXPORTER_OTLP_HEADERS),
    serviceName: env.OTEL_SERVICE_NAME ?? "uko-gateway",
    // Once is enough: a collector that is down must not flood the log.
    onError: (error) => {
      if (!reported) logger.warn("traces could not be sent to the collector (reported once)", { error: error instanceof Error ? error.message : String(error) });
      reported = true;
    },
  });
  logger.info("tracing to an OpenTelemetry collector", { url: new URL(url).origin });
  return startTracing(exporter);
}
