import type { ConnectorLogger } from "@uko/connector-sdk";
import type { Db } from "../db/client.js";
import { recordItemFailure } from "../metrics/background-rounds.js";
import { PeriodicJob } from "../periodic.js";
import type { KeystoreService } from "./service.js";

/**
 * Re-tests every keystore on an interval. Each test runs under the connector deadline and several
 * run at once, so one dead keystore costs one deadline, not a stalled round. Rounds never overlap.
 */
export class HealthChecker {
  private readonly job: PeriodicJob;

  constructor(
    private readonly db: Db,
    private readonly keystores: KeystoreService,
    private readonly logger: ConnectorLogger,
    intervalMs: number,
    private readonly concurrency = 8,
  ) {
    this.job = new PeriodicJob("health", intervalMs, () => this.checkAll(), logger, "health");
  }

  start(): void {
    this.job.start();
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  /** One round over every keystore; resolves when all are checked. */
  async checkAll(): Promise<number> {
    const rows = await this.db.keystore.findMany({ select: { id: true, vaultId: true, type: true, properties: true, sealedSecrets: true, health: true, statusMessage: true } });
    let next = 0;
    const worker = async () => {
      while (!this.job.isStopped && next < rows.length) {
        const row = rows[next++]!;
        await this.keystores.checkAndRecord(row).catch((error: unknown) => {
          recordItemFailure("health");
          this.logger.error("health check failed", { keystoreId: row.id, error });
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, rows.length) }, worker));
    return rows.length;
  }
}
