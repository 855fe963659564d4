import { createServer, type IncomingMessage } from "node:http";
import { SpanKind } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { startAwsKmsEmulator, type AwsKmsEmulator } from "@uko/connector-aws-kms/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTracingFromEnvironment } from "../src/tracing/from-environment.js";
import { encodeSpans, OtlpHttpJsonExporter, parseOtlpHeaders, tracesUrl } from "../src/tracing/otlp-http-exporter.js";
import { startTracing, tracingEnabled } from "../src/tracing/tracer.js";
import { startTestGateway, type TestGateway } from "./harness.js";
import { CREATE_KEY, createTemplate } from "./keys-fixture.js";

/**
 * Tracing an activation end to end: the GraphQL operation's span, the connector sessions under it
 * (one per keystore), all carrying the request id that the response and the audit event carry;
 * and the OTLP/HTTP JSON exporter against a collector stand-in on loopback.
 */
const ACCOUNT = { accessKeyId: "EMUKTRACINGACCOUNT01", secretAccessKey: "tracing/Canary+Secret000000000000000001", accountId: "444444444444", userName: "uko-tracing" };
const CONNECT = `mutation($input: ConnectKeystoreInput!) { connectKeystore(input: $input) { ... on ConnectKeystoreSuccess { keystore { id } } } }`;
const ACTIVATE = `mutation ActivateForTrace($input: ActivateManagedKeyInput!) { activateManagedKey(input: $input) { __typename } }`;

describe("tracing", () => {
  let t: TestGateway;
  let emulator: AwsKmsEmulator;
  const exporter = new InMemorySpanExporter();
  let stop: () => Promise<void>;
  let requestId: string;
  let keyId: string;
  let spans: ReadableSpan[];

  beforeAll(async () => {
    emulator = await startAwsKmsEmulator({ region: "eu-west-1", identities: [ACCOUNT], wrappingKeyBits: { RSA_3072: true } });
    t = await startTestGateway("sqlite", { connectorTimeoutMs: 10_000 });
    stop = startTracing(exporter, { batch: false });
    const vaultId = (await t.gql(`mutation { createVault(input: { name: "tracing" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault.id;
    await t.gql(CONNECT, {
      input: { vaultId, name: "aws-tracing-canary-keystore", groups: ["prod", "two"], properties: { awsKms: { awsRegion: "eu-west-1", awsAccessKeyId: ACCOUNT.accessKeyId, awsSecretAccessKey: ACCOUNT.secretAccessKey, awsEndpoint: emulator.endpoint } } },
    });
    const templateId = await createTemplate(t, { vaultId, name: "tracing-template", type: "aws_kms", group: "prod", namingScheme: "uko/<app>" });
    const key = (await t.gql(CREATE_KEY, { input: { vaultId, templateId, label: "canary-trace-label", namingValues: [{ name: "app", value: "canarytracename" }] } })).data.createManagedKey.managedKey;
    keyId = key.id;
    exporter.reset();
    const body = JSON.stringify({ query: ACTIVATE, variables: { input: { id: key.id, expectedVersion: key.version } } });
    const response = await t.fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), authorization: `Bearer ${t.config.adminToken}` },
      body,
    });
    expect(((await response.json()) as { data: { activateManagedKey: { __typename: string } } }).data.activateManagedKey.__typename).toBe("ActivateManagedKeySuccess");
    requestId = response.headers.get("x-request-id")!;
    spans = exporter.getFinishedSpans();
  }, 60_000);
  afterAll(async () => {
    await stop?.();
    await t?.close();
    await emulator?.close();
  });

  it("gives the operation a server span carrying the request id of the response and of the audit event", async () => {
    const operation = spans.find((s) => s.kind === SpanKind.SERVER);
    expect(operation).toBeDefined();
    expect(operation!.name).toBe("mutation ActivateForTrace");
    expect(operation!.attributes).toEqual({ "graphql.operation.type": "mutation", "graphql.operation.name": "ActivateForTrace", "uko.request_id": requestId, "uko.outcome": "ok" });
    const audit = await t.gateway.database.db.auditEvent.findFirstOrThrow({ where: { targetId: keyId, outcome: "success", action: { contains: "activate" } } });
    expect(audit.requestId).toBe(requestId);
  });

  it("puts each connector session under it, with type, operation, outcome and the same request id", () => {
    const operation = spans.find((s) => s.kind === SpanKind.SERVER)!;
    const calls = spans.filter((s) => s.kind === SpanKind.CLIENT);
    expect(calls.length).toBeGreaterThanOrEqual(1);
    for (const call of calls) {
      expect(call.name).toBe("connector aws_kms push");
      expect(call.spanContext().traceId).toBe(operation.spanContext().traceId);
      expect(call.parentSpanContext?.spanId).toBe(operation.spanContext().spanId);
      expect(call.attributes).toEqual({ "uko.keystore.type": "aws_kms", "uko.connector.operation": "push", "uko.outcome": "OK", "uko.request_id": requestId });
      // Inside the operation's time.
      const start = (s: ReadableSpan) => s.startTime[0] * 1e9 + s.startTime[1];
      const end = (s: ReadableSpan) => s.endTime[0] * 1e9 + s.endTime[1];
      expect(start(call)).toBeGreaterThanOrEqual(start(operation) - 2e6);
      expect(end(call)).toBeLessThanOrEqual(end(operation) + 2e6);
    }
  });

  it("records a failed connector call as an error, and a background one without a request", async () => {
    exporter.reset();
    emulator.faults.inject({ kind: "throttle" });
    await t.gateway.healthChecker.checkAll();
    emulator.faults.clear();
    const [check] = exporter.getFinishedSpans();
    expect(check!.attributes).toEqual({ "uko.keystore.type": "aws_kms", "uko.connector.operation": "test", "uko.outcome": "THROTTLED" });
    expect(check!.status).toEqual({ code: 2, message: "THROTTLED" });
    expect(check!.parentSpanContext).toBeUndefined();
  });

  it("carries no secret, name or property in any span", () => {
    const text = JSON.stringify(encodeSpans(spans, "uko-gateway"));
    for (const canary of [ACCOUNT.secretAccessKey, ACCOUNT.accessKeyId, t.config.adminToken!, "aws-tracing-canary-keystore", "canary-trace-label", "canarytracename", emulator.endpoint, keyId]) {
      expect(text, canary).not.toContain(canary);
    }
  });

  it("sends spans as OTLP/HTTP JSON to <endpoint>/v1/traces, with the configured headers", async () => {
    const received: { url: string; headers: IncomingMessage["headers"]; body: any }[] = [];
    let status = 200;
    const collector = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        received.push({ url: req.url!, headers: req.headers, body: JSON.parse(body) });
        res.writeHead(status, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
    try {
      const endpoint = `http://127.0.0.1:${(collector.address() as { port: number }).port}`;
      const errors: unknown[] = [];
      const otlp = new OtlpHttpJsonExporter({ url: tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: `${endpoint}/` })!, headers: parseOtlpHeaders("x-api-key=abc%3D1"), serviceName: "uko-gateway", onError: (e) => errors.push(e) });
      const result = await new Promise<{ code: number }>((resolve) => otlp.export(spans, resolve));
      expect(result.code).toBe(0);
      expect(received).toHaveLength(1);
      const [{ url, headers, body }] = received as [(typeof received)[0]];
      expect(url).toBe("/v1/traces");
      expect(headers["content-type"]).toBe("application/json");
      expect(headers["x-api-key"]).toBe("abc=1");
      const resource = body.resourceSpans[0].resource.attributes;
      expect(resource).toContainEqual({ key: "service.name", value: { stringValue: "uko-gateway" } });
      const sent = body.resourceSpans[0].scopeSpans[0].spans as any[];
      expect(sent).toHaveLength(spans.length);
      const server = sent.find((s) => s.kind === 2);
      expect(server.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(server.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(BigInt(server.endTimeUnixNano)).toBeGreaterThan(BigInt(server.startTimeUnixNano));
      expect(server.attributes).toContainEqual({ key: "uko.request_id", value: { stringValue: requestId } });
      for (const client of sent.filter((s) => s.kind === 3)) expect(client.parentSpanId).toBe(server.spanId);

      status = 503;
      const failed = await new Promise<{ code: number }>((resolve) => otlp.export(spans, resolve));
      expect(failed.code).toBe(1);
      expect(String(errors[0])).toContain("503");
    } finally {
      await new Promise((resolve) => collector.close(resolve));
    }
  });

  it("is on only when an endpoint is configured", async () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} };
    expect(startTracingFromEnvironment({}, logger)).toBeUndefined();
    expect(tracesUrl({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:4318/custom" })).toBe("http://127.0.0.1:4318/custom");
    expect(parseOtlpHeaders(undefined)).toEqual({});
    await stop();
    expect(tracingEnabled()).toBe(false);
    exporter.reset();
    await t.gql(`{ vaults { totalCount } }`);
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    const stopAgain = startTracingFromEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:1", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }, logger)!;
    expect(tracingEnabled()).toBe(true);
    expect(warnings.join()).toContain("http/json");
    await stopAgain();
    stop = async () => {};
  });
});
