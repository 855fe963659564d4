import { createServer } from "node:http";
import { ConfigError, loadConfig } from "./config.js";
import { asConnectorLogger, createLogger } from "./logger.js";
import { serveMetrics } from "./metrics/listener.js";
import { createGateway } from "./server.js";
import { startTracingFromEnvironment } from "./tracing/from-environment.js";

/** `npm start`: validate configuration, prepare the database, serve. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const stopTracing = startTracingFromEnvironment(process.env, asConnectorLogger(logger.child({ component: "tracing" })));
  const gateway = await createGateway(config, { logger });
  if (gateway.createdRootKeyFile) {
    console.log(
      `Created a root key at ${gateway.createdRootKeyFile} (owner-only). Back it up: without it no secret can be opened. To supply your own, set UKO_ROOT_KEY or UKO_ROOT_KEY_FILE.`,
    );
  }
  if (gateway.createdAdminTokenFile) {
    console.log(`Wrote an administrator access token to ${gateway.createdAdminTokenFile} (owner-only); send it as Authorization: Bearer <token>. To supply your own, set UKO_ADMIN_TOKEN.`);
  }
  const types = gateway.services.registry.all().map((c) => c.definition.type);
  if (types.length === 0) logger.warn("no connector is loaded: set UKO_CONNECTORS to connect keystores");
  gateway.healthChecker.start();
  gateway.keySync.start();
  gateway.auditCheckpoints.start();
  const metricsServer = config.metricsAddress ? await serveMetrics(gateway.metrics, config.metricsAddress, config.metricsToken !== undefined) : undefined;
  if (metricsServer) logger.info({ address: metricsServer.address() }, "metrics listening");
  // A request whose body never completes is cut after UKO_REQUEST_TIMEOUT_MS (408, connection
  // closed); Node checks every connectionsCheckingInterval, so that interval bounds the overshoot.
  const requestTimeout = config.requestTimeoutMs ?? 30_000;
  const server = createServer({ requestTimeout, headersTimeout: Math.min(10_000, requestTimeout), connectionsCheckingInterval: Math.min(1000, requestTimeout) }, gateway.yoga);
  server.listen(config.port, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    logger.info({ port, connectors: types, migrations: gateway.appliedMigrations }, "gateway listening");
    console.log(`UKO gateway on http://localhost:${port}/graphql (keystore types: ${types.join(", ") || "none"})`);
  });
  // SIGTERM (or Ctrl-C): unready at once, streams told why, in-flight requests finished within the
  // shutdown timeout, claims given back; only then the listener closes. A second signal stops now.
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    let serving = true;
    const stopServing = () => {
      if (!serving) return;
      serving = false;
      server.close();
      server.closeAllConnections();
    };
    void gateway
      .shutdown(config.shutdownTimeoutMs ?? 25_000, stopServing)
      .catch((err: unknown) => logger.error({ err }, "the shutdown did not finish cleanly"))
      .then(() => {
        stopServing();
        metricsServer?.close();
        return stopTracing?.();
      })
      .finally(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error(`The gateway could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
