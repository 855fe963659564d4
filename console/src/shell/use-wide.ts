import { useSyncExternalStore } from "react";

/**
 * Carbon's `xlg` breakpoint (82rem = 1312 px): from there the header holds the brand, the seven
 * sections and the account in one row (a 1366 px laptop shows them all); below it the Menu button
 * and Carbon's side navigation take over. (Carbon's own `lg`, 1056 px, is too narrow for seven
 * sections and the account.) The shell renders one or the other, never both, so the page has
 * exactly one navigation named "Main" and one account block.
 */
export const WIDE_QUERY = "(min-width: 82rem)";

function subscribe(onChange: () => void): () => void {
  const query = window.matchMedia(WIDE_QUERY);
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
}

export function useWide(): boolean {
  return useSyncExternalStore(subscribe, () => window.matchMedia(WIDE_QUERY).matches);
}
