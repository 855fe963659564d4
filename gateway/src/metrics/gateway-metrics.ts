import { timingSafeEqual } from "node:crypto";
import { Registry } from "prom-client";
import { tokenHash } from "../access/tokens.js";
import type { Db } from "../db/client.js";
import { registerDatabaseGauges } from "./database-gauges.js";
import { processRegistry } from "./registry.js";

/** A gateway's metrics: the process's, then its database's, in one Prometheus text page. */
export interface GatewayMetrics {
  contentType: string;
  render(): Promise<string>;
  /** Whether an Authorization header carries the metrics token (always false without a token). */
  authorized(authorization: string | null): boolean;
  /** Whether /metrics is served on the API's port (only with a token). */
  onApiPort: boolean;
}

export function createGatewayMetrics(db: Db, o: { token?: string | undefined; cacheMs?: number }): GatewayMetrics {
  const own = new Registry();
  registerDatabaseGauges(own, db, o.cacheMs === undefined ? {} : { cacheMs: o.cacheMs });
  const expected = o.token ? Buffer.from(tokenHash(o.token)) : undefined;
  return {
    contentType: processRegistry.contentType,
    render: async () => `${await processRegistry.metrics()}\n${await own.metrics()}`,
    authorized(authorization) {
      const match = /^Bearer (\S+)$/.exec(authorization ?? "");
      // Compare digests: equal length, constant time, whatever was sent.
      return expected !== undefined && match !== null && timingSafeEqual(Buffer.from(tokenHash(match[1]!)), expected);
    },
    onApiPort: expected !== undefined,
  };
}

