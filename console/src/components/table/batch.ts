/** One row's outcome in a batch action: its name, whether it did what was asked, and in words. */
export interface RowOutcome {
  name: string;
  ok: boolean;
  text: string;
}

export interface BatchResult {
  verb: string;
  rows: RowOutcome[];
}

/**
 * Runs an action on each row, one after the other (the gateway does each one's remote calls; in
 * sequence a batch cannot flood a keystore's API). A row that throws is a failed row, never the
 * end of the batch.
 */
export async function runBatch<T>(verb: string, rows: readonly T[], name: (row: T) => string, run: (row: T) => Promise<{ ok: boolean; text: string }>): Promise<BatchResult> {
  const outcomes: RowOutcome[] = [];
  for (const row of rows) {
    try {
      outcomes.push({ name: name(row), ...(await run(row)) });
    } catch (e) {
      outcomes.push({ name: name(row), ok: false, text: (e as Error).message });
    }
  }
  return { verb, rows: outcomes };
}

/** "Check status: 1 succeeded, 1 failed." */
export function batchSummary(result: BatchResult): string {
  const failed = result.rows.filter((r) => !r.ok).length;
  return `${result.verb}: ${result.rows.length - failed} succeeded, ${failed} failed.`;
}
