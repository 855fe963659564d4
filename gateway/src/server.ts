import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import { PothosValidationError } from "@pothos/core";
import { GraphQLError } from "graphql";
import { createYoga, type Plugin, type YogaServerInstance } from "graphql-yoga";
import type { Logger } from "pino";
import type { GatewayConfig } from "./config.js";
import { loadConnectors, type ConnectorRegistry } from "./connectors/registry.js";
import { createContext, type Context } from "./context.js";
import { loadRootKey } from "./crypto/root-key.js";
import { checkRootKey } from "./crypto/root-key-check.js";
import { createDb, providerOf, sqlitePath, type DbHandle } from "./db/client.js";
import { applyMigrations } from "./db/migrations.js";
import { bodyLimit } from "./http-limits.js";
import { consoleFiles } from "./console-files.js";
import { queryShapeLimits } from "./query-shape.js";
import { actorOf, requireToken, sourceAddressOf } from "./access/authentication.js";
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { ensureAdminToken } from "./access/bootstrap.js";
import { RateLimiter } from "./access/rate-limit.js";
import { guardSchema } from "./access/guard.js";
import { loadPriceList } from "./keystores/cost.js";
import { HealthChecker } from "./keystores/health-checker.js";
import { PeriodicJob } from "./periodic.js";
import { asConnectorLogger, createLogger } from "./logger.js";
import { buildSchema } from "./schema/index.js";
import { createServices, type Services } from "./services.js";

export interface Gateway {
  yoga: YogaServerInstance<Record<string, never>, Context>;
  services: Services;
  database: DbHandle;
  healthChecker: HealthChecker;
  /** Set when this start wrote a generated administrator token to a file. */
  createdAdminTokenFile?: string;
  /** The background key sync (started by main, like the health checker). */
  keySync: PeriodicJob;
  /** Set when this start created the root key file. */
  createdRootKeyFile?: string;
  appliedMigrations: string[];
  close(): Promise<void>;
}

/**
 * Assembles a gateway: migrations, root key, database, connectors, schema, HTTP handler. The
 * caller serves `yoga` (main.ts over node:http; tests through yoga.fetch).
 */
export async function createGateway(config: GatewayConfig, options: { registry?: ConnectorRegistry; logger?: Logger } = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger(config.logLevel);
  if (providerOf(config.databaseUrl) === "sqlite") mkdirSync(dirname(sqlitePath(config.databaseUrl)), { recursive: true, mode: 0o700 });
  const appliedMigrations = await applyMigrations(config.databaseUrl);
  const { key: rootKey, createdFile } = loadRootKey(config);
  const database = createDb(config.databaseUrl);
  let registry: ConnectorRegistry | undefined;
  try {
    await checkRootKey(database.db, rootKey);
    const admin = await ensureAdminToken(database.db, { ...(config.adminToken ? { adminToken: config.adminToken } : {}), dataDir: config.dataDir });
    const connectorLogger = asConnectorLogger(logger.child({ component: "connector" }));
    const connectors: ConnectorRegistry =
      options.registry ??
      (await loadConnectors(config.connectors, {
        isolation: config.connectorIsolation ?? true,
        logger: connectorLogger,
        ...(config.connectorMemoryMb ? { isolationOptions: { memoryLimitMb: config.connectorMemoryMb } } : {}),
      }));
    registry = connectors;
    const services = createServices({
      db: database.db,
      provider: database.provider,
      rootKey,
      registry: connectors,
      logger: connectorLogger,
      connectorTimeoutMs: config.connectorTimeoutMs,
      prices: loadPriceList(config.priceListFile),
      ...(config.destroyWaitSeconds !== undefined ? { destroyWaitMs: config.destroyWaitSeconds * 1000 } : {}),
    });
    // Finishes key operations a crash interrupted; in the background, so a dead keystore cannot delay the start.
    const resuming = services.keys.resumePending().then(
      (keys) => keys > 0 && logger.info({ keys }, "resumed interrupted key operations"),
      (err: unknown) => logger.error({ err }, "resuming interrupted key operations failed"),
    );
    const keySync = new PeriodicJob("key sync", (config.keySyncIntervalSeconds ?? 0) * 1000, () => services.keys.syncRound(), asConnectorLogger(logger.child({ component: "key-sync" })));
    const healthChecker = new HealthChecker(database.db, services.keystores, asConnectorLogger(logger.child({ component: "health" })), config.healthIntervalSeconds * 1000);
    const yoga = createYoga<Record<string, never>, Context>({
      schema: guardSchema(buildSchema(connectors)),
      graphqlEndpoint: "/graphql",
      graphiql: { title: "UKO gateway" },
      renderGraphiQL,
      landingPage: false,
      batching: false,
      logging: false,
      maskedErrors: { isDev: false, maskError: maskError(logger) },
      context: ({ request, ...serverContext }) => createContext(services, requestIdOf(request), actorOf(request)!, sourceAddressOf(serverContext)),
      plugins: [
        bodyLimit(),
        // Bearer tokens are never sent by a browser on its own, which already defeats CSRF; this
        // refuses the "simple" requests (GET, form posts) that a cross-site page could make anyway.
        useCSRFPrevention({ requestHeaders: ["x-graphql-yoga-csrf"] }),
        requireToken({ db: database.db, audit: services.audit, graphqlEndpoint: "/graphql", requestIdOf, limiter: new RateLimiter(config.rateLimitPerMinute ?? 0) }),
        queryShapeLimits(),
        requestIds(logger),
        healthEndpoints(database),
        consoleFiles(),
      ],
    });
    return {
      yoga,
      services,
      database,
      healthChecker,
      keySync,
      createdRootKeyFile: createdFile,
      createdAdminTokenFile: admin.createdFile,
      appliedMigrations,
      close: async () => {
        await healthChecker.stop();
        await keySync.stop();
        await resuming;
        await database.db.$disconnect();
        await connectors.close();
      },
    };
  } catch (error) {
    await database.db.$disconnect();
    // Connector processes it started must not outlive a failed start.
    await registry?.close();
    throw error;
  }
}

const requestIdsByRequest = new WeakMap<Request, string>();
function requestIdOf(request: Request): string {
  let id = requestIdsByRequest.get(request);
  if (!id) requestIdsByRequest.set(request, (id = randomUUID()));
  return id;
}

/**
 * Every response carries a request id; every error in it names the request id, and a masked
 * unexpected error also an error id that the log line with the real error shares.
 */
function requestIds(logger: Logger): Plugin<Context> {
  return {
    onResponse({ request, response }) {
      response.headers.set("x-request-id", requestIdOf(request));
    },
    onExecutionResult({ request, result }) {
      const results = result && Symbol.asyncIterator in result ? [] : [result];
      for (const r of results) {
        for (const error of r?.errors ?? []) {
          Object.assign(error.extensions, { requestId: requestIdOf(request) });
          if (error.extensions.code === "INTERNAL_SERVER_ERROR") {
            logger.warn({ requestId: requestIdOf(request), errorId: error.extensions.errorId, path: error.path }, "request failed unexpectedly");
          }
        }
      }
    },
  };
}

/** Hides what went wrong from the client, keeps it in the log under an error id. */
function maskError(logger: Logger) {
  return (error: unknown, message: string): Error => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    if (error instanceof GraphQLError && !error.originalError) return error; // a GraphQL validation error: safe to show
    // Thrown on purpose with a code (access control): safe to show; the located error carries its code.
    if (original instanceof GraphQLError && original.extensions.code) return error as GraphQLError;
    if (original instanceof PothosValidationError) {
      // Query limits (depth, breadth, complexity): the client needs to know which one it broke.
      return new GraphQLError(original.message, { extensions: { code: "QUERY_TOO_COMPLEX" } });
    }
    const errorId = randomUUID();
    logger.error({ errorId, err: original }, "unexpected error");
    return new GraphQLError(message, {
      path: error instanceof GraphQLError ? error.path : undefined,
      extensions: { code: "INTERNAL_SERVER_ERROR", errorId },
    });
  };
}

/** /healthz: the process is up. /readyz: the database answers. */
function healthEndpoints(database: DbHandle): Plugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname === "/healthz") return endResponse(fetchAPI.Response.json({ status: "ok" }));
      if (url.pathname === "/readyz") {
        try {
          await database.db.$queryRawUnsafe("SELECT 1");
          return endResponse(fetchAPI.Response.json({ status: "ready" }));
        } catch {
          return endResponse(fetchAPI.Response.json({ status: "database unreachable" }, { status: 503 }));
        }
      }
    },
  };
}
