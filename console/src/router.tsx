import { useEffect, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from "react";

/**
 * A small history router: the console has a handful of routes and the gateway answers every
 * client route with index.html, so pushState plus a pattern match is all it needs.
 */
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());
if (typeof window !== "undefined") window.addEventListener("popstate", notify);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * A page with unsaved input may hold in-console navigation: a guard answers false to stop it (and
 * asks the person itself, then navigates with `force`). Reloads and closing the tab are the
 * browser's beforeunload; Back/Forward (popstate) cannot be held.
 */
type NavigationGuard = (to: string) => boolean;
const guards = new Set<NavigationGuard>();

export function addNavigationGuard(guard: NavigationGuard): () => void {
  guards.add(guard);
  return () => guards.delete(guard);
}

export function navigate(to: string, options: { replace?: boolean; force?: boolean } = {}): void {
  if (!options.force) for (const guard of guards) if (!guard(to)) return;
  if (options.replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  notify();
  // A new page: start at its top, like a real page load.
  window.scrollTo(0, 0);
}

export function useLocation(): { pathname: string; search: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, () => location.pathname + location.search);
  const url = new URL(href, "http://console.local");
  return { pathname: url.pathname, search: url.searchParams };
}

/** "/keystores/:id" against "/keystores/abc" -> { id: "abc" }; undefined when it does not match. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | undefined {
  const want = pattern.split("/").filter(Boolean);
  const have = pathname.split("/").filter(Boolean);
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const h = have[i]!;
    if (w.startsWith(":")) params[w.slice(1)] = decodeURIComponent(h);
    else if (w !== h) return undefined;
  }
  return params;
}

/** An ordinary link (opens in a new tab with a modifier key) that navigates in place otherwise. */
export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handle} {...rest} />;
}

export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}
