import type { ConnectorLogger } from "@uko/connector-sdk";
import type { Db } from "../db/client.js";
import { recordItemFailure } from "../metrics/background-rounds.js";
import { PeriodicJob } from "../periodic.js";
import type { KeystoreService } from "./service.js";
import type { WorkClaims } from "../db/claims.js";

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
    private readonly intervalMs: number,
    private readonly claims: WorkClaims,
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

  /**
   * One round over every keystore; resolves when all are checked. Each check is claimed first, and
   * only while the keystore is due (not checked within most of the interval), so with several
   * replicas each keystore is still checked once per interval, by whichever replica comes first.
   * Returns how many this round checked.
   */
  async checkAll(): Promise<number> {
    const rows = await this.db.keystore.findMany({ select: { id: true, vaultId: true, type: true, properties: true, sealedSecrets: true, health: true, statusMessage: true } });
    const due = this.intervalMs > 0 ? { OR: [{ checkedAt: null }, { checkedAt: { lte: new Date(Date.now() - this.intervalMs * 0.9) } }] } : {};
    let next = 0;
    let checked = 0;
    const worker = async () => {
      while (!this.job.isStopped && next < rows.length) {
        const row = rows[next++]!;
        const claim = await this.claims.tryClaim("keystore", row.id, due);
        if (!claim) continue;
        checked++;
        await this.keystores
          .checkAndRecord(row)
          .catch((error: unknown) => {
            recordItemFailure("health");
            this.logger.error("health check failed", { keystoreId: row.id, error });
          })
          .finally(() => this.claims.release(claim));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, rows.length) }, worker));
    return checked;
  }
}
