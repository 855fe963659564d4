/**
 * The emulators' notion of now. Real time by default; a test sets or advances it to reach expiry
 * dates (tokens, import jobs, deletion windows) without waiting.
 */
export class SettableClock {
  private offsetMs = 0;
  private fixed: number | undefined;

  now(): Date {
    return new Date(this.fixed ?? Date.now() + this.offsetMs);
  }

  /** Moves time forward by `ms` (it keeps running from there unless it was set). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`The clock only moves forward; cannot advance by ${ms} ms`);
    if (this.fixed !== undefined) this.fixed += ms;
    else this.offsetMs += ms;
  }

  /** Stops time at `at` until `release()`. */
  set(at: Date): void {
    this.fixed = at.getTime();
  }

  /** Lets time run again from where it stands. */
  release(): void {
    if (this.fixed === undefined) return;
    this.offsetMs = this.fixed - Date.now();
    this.fixed = undefined;
  }
}
