import { Alert } from "../Feedback.tsx";
import { batchSummary, type BatchResult } from "./batch.ts";

/**
 * The outcome of a batch action, counted and then row by row. Green only when every row
 * succeeded: one failure makes the whole report an error (a failure is never shown in green).
 */
export function BatchReport({ result }: { result: BatchResult | undefined }) {
  if (!result) return null;
  const failed = result.rows.some((r) => !r.ok);
  return (
    <Alert kind={failed ? "error" : "success"}>
      <span data-testid="batch-summary">{batchSummary(result)}</span>
      <ul className="batch-rows" data-testid="batch-rows">
        {result.rows.map((r) => (
          <li key={r.name} data-ok={r.ok}>
            <strong>{r.name}</strong>: {r.ok ? "" : "failed, "}
            {r.text}
          </li>
        ))}
      </ul>
    </Alert>
  );
}
