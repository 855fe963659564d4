import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
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
import { PgEventTarget } from "./db/pg-event-target.js";
import { WorkClaims } from "./db/claims.js";
import { Readiness } from "./readiness.js";
import { applyMigrations } from "./db/migrations.js";
import { bodyLimit } from "./http-limits.js";
import { consoleFiles } from "./console-files.js";
import { queryShapeLimits } from "./query-shape.js";
import { jitExecution, type JitExecution } from "./jit.js";
import { clientAddress, exactEndpoint, requireActor, requireToken } from "./access/authentication.js";
import { RefusedAuthentications } from "./access/refusals.js";
import { corsPolicy } from "./cors.js";
import { lockDataDirectory, type DataDirectoryLock } from "./db/data-dir-lock.js";
import { restrictSqliteFiles } from "./db/sqlite-files.js";
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { ensureAdminToken } from "./access/bootstrap.js";
import { RateLimiter } from "./access/rate-limit.js";
import { SharedRateLimiter } from "./access/shared-rate-limit.js";
import { VerifiedTokens } from "./access/verified-tokens.js";
import { guardSchema } from "./access/guard.js";
import { refuseUnstorableText } from "./input-text.js";
import { DomainError, ValidationError } from "./errors.js";
import { CHECKPOINT_FILE } from "./access/audit-checkpoints.js";
import { loadPriceList } from "./keystores/cost.js";
import { HealthChecker } from "./keystores/health-checker.js";
import { PeriodicJob } from "./periodic.js";
import { createGatewayMetrics, type GatewayMetrics } from "./metrics/gateway-metrics.js";
import { observability } from "./metrics/plugin.js";
import { observeRound } from "./metrics/background-rounds.js";
import { asConnectorLogger, createLogger } from "./logger.js";
import { buildSchema } from "./schema/index.js";
import { createServices, type Services } from "./services.js";

export interface Gateway {
  yoga: YogaServerInstance<Record<string, never>, Context>;
  services: Services;
  database: DbHandle;
  healthChecker: HealthChecker;
  /** Prometheus metrics (served by the observability plugin and main's metrics listener). */
  metrics: GatewayMetrics;
  /** Set when this start wrote a generated administrator token to a file. */
  createdAdminTokenFile?: string;
  /** The background key sync (started by main, like the health checker). */
  keySync: PeriodicJob;
  /** Refused authentications, counted and written to the audit log once per interval. */
  refusals: RefusedAuthentications;
  /** Signs the audit log's head now and then (started by main, like the health checker). */
  auditCheckpoints: PeriodicJob;
  /** Set when this start created the root key file. */
  createdRootKeyFile?: string;
  appliedMigrations: string[];
  /** On PostgreSQL: carries events between replicas (LISTEN/NOTIFY). */
  eventTarget?: PgEventTarget;
  /** Compiled execution of queries and mutations (jit.ts): what it compiled and ran. */
  jit: Omit<JitExecution, "plugin">;
  /** /readyz, and the requests in flight. */
  readiness: Readiness;
  /**
   * SIGTERM: /readyz turns unready, background rounds stop, subscription streams end with a
   * reason, in-flight requests get up to `timeoutMs` to finish, then everything closes (claims
   * released, so other replicas take over at once). `stopServing` closes the HTTP listener once
   * the requests are done, before the database goes.
   */
  shutdown(timeoutMs: number, stopServing?: () => void): Promise<void>;
  close(): Promise<void>;
}

/**
 * Assembles a gateway: migrations, root key, database, connectors, schema, HTTP handler. The
 * caller serves `yoga` (main.ts over node:http; tests through yoga.fetch).
 */
export async function createGateway(
  config: GatewayConfig,
  options: { registry?: ConnectorRegistry; logger?: Logger; /** The managed-key engine's clock (tests move it to pass backoffs). */ clock?: { now(): Date } } = {},
): Promise<Gateway> {
  const logger = options.logger ?? createLogger(config.logLevel);
  let lock: DataDirectoryLock | undefined;
  if (providerOf(config.databaseUrl) === "sqlite") {
    const file = sqlitePath(config.databaseUrl);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // Before anything is written: a second process on the same file stops here, naming the first.
    lock = lockDataDirectory(dirname(file));
    restrictSqliteFiles(file);
  }
  let appliedMigrations: string[];
  let rootKey: ReturnType<typeof loadRootKey>["key"];
  let createdFile: string | undefined;
  try {
    appliedMigrations = await applyMigrations(config.databaseUrl);
    ({ key: rootKey, createdFile } = loadRootKey(config));
  } catch (error) {
    lock?.release();
    throw error;
  }
  const database = createDb(config.databaseUrl);
  let registry: ConnectorRegistry | undefined;
  // Replicas share one PostgreSQL: events travel through it (LISTEN/NOTIFY) to every replica's subscribers.
  const eventTarget = database.provider === "postgresql" ? new PgEventTarget(config.databaseUrl, asConnectorLogger(logger.child({ component: "events" }))) : undefined;
  try {
    await eventTarget?.ready();
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
      ...(config.connectorCallTimeoutMs !== undefined ? { connectorCallTimeoutMs: config.connectorCallTimeoutMs } : {}),
      prices: loadPriceList(config.priceListFile, connectors.all().map((c) => c.definition.type)),
      ...(config.destroyWaitSeconds !== undefined ? { destroyWaitMs: config.destroyWaitSeconds * 1000 } : {}),
      ...(config.maxStreamsPerToken !== undefined ? { maxStreamsPerToken: config.maxStreamsPerToken } : {}),
      auditCheckpointFile: join(config.dataDir, CHECKPOINT_FILE),
      auditLogger: asConnectorLogger(logger.child({ component: "audit" })),
      installBackoff: { baseMs: (config.installBackoffBaseSeconds ?? 30) * 1000, maxMs: (config.installBackoffMaxSeconds ?? 3600) * 1000 },
      ...(options.clock ? { clock: options.clock } : {}),
      ...(eventTarget ? { eventTarget } : {}),
      ...(config.claimLeaseMs !== undefined ? { claimLeaseMs: config.claimLeaseMs } : {}),
      replicaName: WorkClaims.replicaName(config.dataDir),
    });
    // This replica's previous run was killed holding these (the same host and data directory):
    // its work is resumed now, not when the leases run out.
    const stale = await services.claims.releaseAll();
    if (stale > 0) logger.info({ claims: stale }, "released the claims a previous run of this replica held");
    const refusals = new RefusedAuthentications(services.audit, (config.authFailureAuditIntervalSeconds ?? 60) * 1000);
    // Keys a log written before keying, and anchors the head before anything else is appended.
    await services.audit.prepare();
    const auditCheckpoints = new PeriodicJob("audit checkpoint", (config.auditCheckpointIntervalSeconds ?? 60) * 1000, () => services.audit.checkpoint(), asConnectorLogger(logger.child({ component: "audit" })), "audit_checkpoint");
    // Finishes key operations a crash interrupted; in the background, so a dead keystore cannot delay the start.
    const resuming = observeRound("resume", () => services.keys.resumePending()).then(
      (keys) => keys > 0 && logger.info({ keys }, "resumed interrupted key operations"),
      (err: unknown) => logger.error({ err }, "resuming interrupted key operations failed"),
    );
    const metrics = createGatewayMetrics(database.db, { token: config.metricsToken });
    const keySync = new PeriodicJob("key sync", (config.keySyncIntervalSeconds ?? 0) * 1000, () => services.keys.syncRound((config.keySyncIntervalSeconds ?? 0) * 1000), asConnectorLogger(logger.child({ component: "key-sync" })), "sync");
    const healthChecker = new HealthChecker(database.db, services.keystores, asConnectorLogger(logger.child({ component: "health" })), config.healthIntervalSeconds * 1000, services.claims);
    const readiness = new Readiness(database, () => (eventTarget ? { events: eventTarget.listening ? "listening" : "reconnecting" } : {}));
    const verified = new VerifiedTokens(services.events);
    const jit = jitExecution(logger);
    const yoga = createYoga<Record<string, never>, Context>({
      schema: guardSchema(refuseUnstorableText(buildSchema(connectors))),
      graphqlEndpoint: "/graphql",
      graphiql: { title: "UKO gateway" },
      cors: corsPolicy(config.corsOrigins ?? []),
      renderGraphiQL,
      landingPage: false,
      batching: false,
      logging: false,
      maskedErrors: { isDev: false, maskError: maskError(logger) },
      // Where a request becomes an execution: no actor, no execution, whatever let it get here.
      context: ({ request, ...serverContext }) => createContext(services, requestIdOf(request), requireActor(request), clientAddress(serverContext, request, config.trustedProxyHeader)),
      plugins: [
        observability({ metrics, graphqlEndpoint: "/graphql", requestIdOf }),
        bodyLimit(),
        // Bearer tokens are never sent by a browser on its own, which already defeats CSRF; this
        // refuses the "simple" requests (GET, form posts) that a cross-site page could make anyway.
        useCSRFPrevention({ requestHeaders: ["x-graphql-yoga-csrf"] }),
        // The only answers without a token (GraphiQL's page is Yoga's own, before all of these).
        readiness.plugin(),
        consoleFiles(),
        requireToken({
          db: database.db,
          verified,
          refusals,
          requestIdOf,
          // One limit for the token across replicas on PostgreSQL; in memory on SQLite (one process).
          limiter:
            database.provider === "postgresql"
              ? new SharedRateLimiter(database.db, config.rateLimitPerMinute ?? 0, options.clock ? () => options.clock!.now().getTime() : Date.now)
              : new RateLimiter(config.rateLimitPerMinute ?? 0),
          unauthenticatedLimiter: new RateLimiter(config.unauthenticatedRateLimitPerMinute ?? 60),
          ...(config.trustedProxyHeader ? { trustedProxyHeader: config.trustedProxyHeader } : {}),
        }),
        exactEndpoint("/graphql"),
        queryShapeLimits(),
        // Queries and mutations run compiled (not subscriptions); see jit.ts.
        ...(config.graphqlJit === false ? [] : [jit.plugin]),
        requestIds(logger),
      ],
    });
    // Once: a shutdown ends in close(), and whoever started the gateway may call close() too.
    let closing: Promise<void> | undefined;
    const close = () => (closing ??= closeOnce());
    const closeOnce = async () => {
      await healthChecker.stop();
      await keySync.stop();
      await auditCheckpoints.stop();
      await resuming;
      await services.streams.close();
      await verified.close();
      await refusals.flush();
      await services.sessions.closeAll();
      await eventTarget?.close();
      // Work this replica still holds goes back now rather than when its lease runs out.
      const released = await services.claims.releaseAll().catch((err: unknown) => logger.error({ err }, "claims could not be released; they expire by themselves"));
      if (released) logger.info({ claims: released }, "released claimed work");
      await services.audit.checkpoint().catch((err: unknown) => logger.error({ err }, "the last audit checkpoint could not be written"));
      await database.db.$disconnect();
      await connectors.close();
      lock?.release();
    };
    return {
      yoga,
      services,
      database,
      healthChecker,
      metrics,
      keySync,
      refusals,
      auditCheckpoints,
      createdRootKeyFile: createdFile,
      createdAdminTokenFile: admin.createdFile,
      appliedMigrations,
      ...(eventTarget ? { eventTarget } : {}),
      readiness,
      jit: { compiledDocuments: jit.compiledDocuments, executions: jit.executions },
      shutdown: async (timeoutMs: number, stopServing?: () => void) => {
        readiness.beginShutdown();
        logger.info({ inFlight: readiness.requestsInFlight, timeoutMs }, "shutting down: unready, finishing in-flight requests");
        await Promise.all([healthChecker.stop(), keySync.stop(), auditCheckpoints.stop()]);
        await services.streams.close(new GraphQLError("The gateway is shutting down; subscribe again (another replica serves you)", { extensions: { code: "SHUTTING_DOWN" } }));
        const left = await readiness.drained(timeoutMs);
        if (left > 0) logger.warn({ requests: left }, "requests still running when the shutdown timeout passed");
        stopServing?.();
        await close();
      },
      close,
    };
  } catch (error) {
    await eventTarget?.close();
    await database.db.$disconnect();
    // Connector processes it started must not outlive a failed start.
    await registry?.close();
    lock?.release();
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

/** Hides what went wrong from the client, keeps it in the log under an error id. Exported for its tests. */
export function maskError(logger: Logger) {
  return (error: unknown, message: string): Error => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    // A GraphQL validation error: safe to show. One with a path but no original error is one
    // graphql-jit built while executing (a null in a non-null field, a value of the wrong type,
    // whose message may show the value): masked below, as graphql-js's own are (it wraps them).
    if (error instanceof GraphQLError && !error.originalError && !error.path) {
      // graphql-jit's own errors have no extensions: outside any field, only its coercion of the
      // variables makes one (a value that does not fit its type), the caller's mistake.
      if (!error.extensions) return new GraphQLError(error.message, { extensions: { code: "BAD_USER_INPUT" } });
      return error;
    }
    // Thrown on purpose with a code (access control, a stream ended by revocation): safe to show; the located error carries its code.
    // (graphql-jit's own errors have no extensions object at all.)
    if (original instanceof GraphQLError && original.extensions?.code) return error as GraphQLError;
    // Variables that do not fit their types (an unknown enum value, a missing field, a bad
    // DateTime): graphql-js says which, outside any field, without a code. The caller's mistake, not ours.
    if (error instanceof GraphQLError && !error.path && original instanceof GraphQLError) {
      return new GraphQLError(error.message, { extensions: { ...error.extensions, code: "BAD_USER_INPUT" } });
    }
    // An expected refusal where the schema has no typed error for it (a query's bad page size or
    // cursor): the caller's mistake, so it says what was wrong, as a client error.
    if (original instanceof DomainError) {
      return new GraphQLError(original.message, {
        path: error instanceof GraphQLError ? error.path : undefined,
        extensions: { code: "BAD_USER_INPUT", reason: original.code, ...(original instanceof ValidationError ? { issues: original.issues } : {}) },
      });
    }
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

