import { plural } from "../text/words.ts";
import { useState } from "react";

/**
 * Cursor paging: the API pages forward with `after`; going back replays the cursors seen so far.
 */
export function usePager() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  return {
    after,
    page: cursors.length,
    next: (endCursor: string | null) => endCursor && setCursors((c) => [...c, endCursor]),
    previous: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
    reset: () => setCursors([null]),
  };
}

export function Pager(props: { page: number; total: number; pageSize: number; hasNext: boolean; onNext(): void; onPrevious(): void; what: string }) {
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  return (
    <nav className="pager" aria-label={`Pages of ${props.what}`}>
      <button type="button" onClick={props.onPrevious} disabled={props.page <= 1}>
        Previous page
      </button>
      <span>
        Page {props.page} of {pages} ({plural(props.total, props.what.replace(/s$/, ""), props.what)})
      </span>
      <button type="button" onClick={props.onNext} disabled={!props.hasNext}>
        Next page
      </button>
    </nav>
  );
}
