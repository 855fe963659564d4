import type { ConnectorLogger } from "@uko/connector-sdk";
import type { Db } from "../db/client.js";
import type { KeystoreService } from "./service.js";

/**
 * Re-tests every keystore on an interval. Each test runs under the connector deadline and several
 * run at once, so one dead keystore costs one deadline, not a stalled round. Rounds never overlap.
 */
export class HealthChecker {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly keystores: KeystoreService,
    private readonly logger: ConnectorLogger,
    private readonly intervalMs: number,
    private readonly concurrency = 8,
  ) {}

  start(): void {
    if (this.intervalMs <= 0) return;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One round over every keystore; resolves when all are checked. */
  async checkAll(): Promise<number> {
    const rows = await this.db.keystore.findMany({ select: { id: true, type: true, properties: true, sealedSecrets: true } });
    let next = 0;
    const worker = async () => {
      while (!this.stopped && next < rows.length) {
        const row = rows[next++]!;
        await this.keystores.checkAndRecord(row).catch((error: unknown) => this.logger.error("health check failed", { keystoreId: row.id, error }));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, rows.length) }, worker));
    return rows.length;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.running = this.checkAll()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.error("health round failed", { error }))
        .finally(() => {
          if (!this.stopped) this.schedule();
        });
    }, this.intervalMs);
    this.timer.unref();
  }
}
