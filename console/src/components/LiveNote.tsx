import { POLL_MS } from "../api/use-query.ts";

/** Says whether the page updates itself as things change, or only every few seconds. */
export function LiveNote({ live }: { live: boolean }) {
  return (
    <span className={`live-note${live ? " on" : ""}`} data-testid="live" data-live={live}>
      {live ? "Live updates" : `Refreshes every ${POLL_MS / 1000} s`}
    </span>
  );
}
