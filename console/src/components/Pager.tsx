import { useState } from "react";
import { Button } from "@carbon/react";
import { plural } from "../text/words.ts";

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

/**
 * The pager under a list, in Carbon's pagination bar. Not Carbon's `Pagination` component: it
 * jumps to any page by number and changes the page size, and a cursor-paged API can do neither
 * honestly. So: "Items 21–40 of 45", the page, and Previous/Next.
 */
export function Pager(props: { page: number; total: number; pageSize: number; shown: number; hasNext: boolean; onNext(): void; onPrevious(): void; what: string }) {
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  const first = (props.page - 1) * props.pageSize + 1;
  const last = first + props.shown - 1;
  return (
    <nav className="cds--pagination pager" aria-label={`Pages of ${props.what}`}>
      <div className="cds--pagination__left">
        <span className="cds--pagination__text" data-testid="pager-range">
          {props.shown === 0 ? plural(props.total, props.what.replace(/s$/, ""), props.what) : `${props.what.charAt(0).toUpperCase()}${props.what.slice(1)} ${first}–${last} of ${props.total}`}
        </span>
      </div>
      <div className="cds--pagination__right">
        <span className="cds--pagination__text">
          Page {props.page} of {pages}
        </span>
        <Button kind="ghost" size="md" onClick={props.onPrevious} disabled={props.page <= 1}>
          Previous page
        </Button>
        <Button kind="ghost" size="md" onClick={props.onNext} disabled={!props.hasNext}>
          Next page
        </Button>
      </div>
    </nav>
  );
}
