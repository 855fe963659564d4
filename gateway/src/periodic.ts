import type { ConnectorLogger } from "@uko/connector-sdk";
import { observeRound } from "./metrics/background-rounds.js";
import type { RoundJob } from "./metrics/labels.js";

/**
 * Runs `round` every `intervalMs` (0 = never); rounds never overlap, and `stop` waits for the one
 * running. Each round is measured under `job` (uko_background_round_* metrics).
 */
export class PeriodicJob {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly round: () => Promise<unknown>,
    private readonly logger: ConnectorLogger,
    private readonly job: RoundJob,
  ) {}

  start(): void {
    if (this.intervalMs > 0) this.schedule();
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.running = observeRound(this.job, this.round)
        .then(() => undefined)
        .catch((error: unknown) => this.logger.error(`${this.name} round failed`, { error }))
        .finally(() => {
          if (!this.stopped) this.schedule();
        });
    }, this.intervalMs);
    this.timer.unref();
  }
}
