import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayEnv, killAllGateways, startGateway, type GatewayProcess } from "./process.js";

/**
 * The built gateway as an operator monitors it: metrics on a separate listener
 * (UKO_METRICS_ADDRESS), none on the API's port, and traces sent to an OpenTelemetry collector
 * (a stand-in on loopback) when OTEL_EXPORTER_OTLP_ENDPOINT is set, flushed when it stops.
 */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("the gateway process, monitored", () => {
  let workDir: string;
  let collector: Server;
  const traces: any[] = [];
  let gateway: GatewayProcess;
  let metricsUrl: string;
  const metricsToken = `metrics-${randomBytes(20).toString("hex")}`;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), "uko-e2e-obs-"));
    collector = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        if (req.url === "/v1/traces") traces.push(JSON.parse(body));
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
    const metricsPort = await freePort();
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    gateway = await startGateway(
      gatewayEnv({
        PORT: "0",
        UKO_DATA_DIR: join(workDir, "data"),
        UKO_CONNECTORS: "@uko/connector-reference",
        UKO_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
        UKO_METRICS_TOKEN: metricsToken,
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as { port: number }).port}`,
        LOG_LEVEL: "info",
      }),
      workDir,
    );
  });
  afterAll(async () => {
    await killAllGateways();
    await new Promise((resolve) => collector?.close(resolve));
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("serves metrics on UKO_METRICS_ADDRESS with the metrics token, and on the API's port too", async () => {
    await gateway.gql(`query MonitoredVaults { vaults { totalCount } }`);
    expect((await fetch(metricsUrl)).status).toBe(401);
    const response = await fetch(metricsUrl, { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/^uko_graphql_requests_total\{operation="MonitoredVaults",type="query",outcome="ok"\} 1$/m);
    expect(text).toContain("process_resident_memory_bytes");
    const api = await gateway.request("/metrics", { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(api.status).toBe(200);
    expect(gateway.output).not.toContain(metricsToken);
  });

  it("sends the operation's span to the collector, at the latest when it stops", async () => {
    const stopped = await gateway.stop(10_000);
    expect({ code: stopped.code, timedOut: stopped.timedOut }).toEqual({ code: 0, timedOut: false });
    const spans = traces.flatMap((t) => t.resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans)));
    const operation = spans.find((s: any) => s.name === "query MonitoredVaults");
    expect(operation, JSON.stringify(spans.map((s: any) => s.name))).toBeDefined();
    expect(operation.attributes.find((a: any) => a.key === "uko.request_id").value.stringValue).toMatch(/^[0-9a-f-]{36}$/);
    expect(traces[0].resourceSpans[0].resource.attributes).toContainEqual({ key: "service.name", value: { stringValue: "uko-gateway" } });
  });
});
