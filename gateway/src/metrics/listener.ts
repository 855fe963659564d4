import { createServer, type Server } from "node:http";
import type { GatewayMetrics } from "./gateway-metrics.js";

/**
 * UKO_METRICS_ADDRESS: a listener of its own serving only GET /metrics, for a port that only the
 * monitoring network reaches. Open there unless UKO_METRICS_TOKEN is also set.
 */
export function serveMetrics(metrics: GatewayMetrics, address: { host: string; port: number }, tokenRequired: boolean): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("only GET /metrics is served here\n");
      return;
    }
    if (tokenRequired && !metrics.authorized(req.headers.authorization ?? null)) {
      res.writeHead(401, { "content-type": "text/plain", "www-authenticate": 'Bearer realm="uko-metrics"' }).end("metrics need their own token: Authorization: Bearer <UKO_METRICS_TOKEN>\n");
      return;
    }
    metrics.render().then(
      (body) => res.writeHead(200, { "content-type": metrics.contentType }).end(body),
      () => res.writeHead(503, { "content-type": "text/plain" }).end("metrics could not be collected (is the database reachable?)\n"),
    );
  });
  server.requestTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(address.port, address.host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}
