import { useSyncExternalStore } from "react";

/**
 * Carbon's `lg` breakpoint (66rem = 1056 px): from there its header shows the navigation in the
 * row, below it the Menu button and the side navigation take over. The shell renders one or the
 * other (never both), so the page has exactly one navigation named "Main" and one account block.
 */
export const WIDE_QUERY = "(min-width: 66rem)";

function subscribe(onChange: () => void): () => void {
  const query = window.matchMedia(WIDE_QUERY);
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
}

export function useWide(): boolean {
  return useSyncExternalStore(subscribe, () => window.matchMedia(WIDE_QUERY).matches);
}
