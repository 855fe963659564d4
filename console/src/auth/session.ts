import type { Me } from "./me.ts";

/**
 * The signed-in state: the token lives in sessionStorage only (per tab, gone when the tab closes,
 * never in localStorage or a cookie); who it belongs to (`me`) only in memory. Anything that learns
 * the token stopped working (a 401 from a query or a stream) calls `endSession`, and the app shows
 * the sign-in page with the reason.
 */
export const TOKEN_KEY = "uko.accessToken";

export interface Session {
  token: string | null;
  me: Me | undefined;
  /** Why the last session ended, for the sign-in page; none after a deliberate sign-out. */
  endedBecause: string | undefined;
}

const listeners = new Set<() => void>();
let snapshot: Session = { token: readToken(), me: undefined, endedBecause: undefined };

function readToken(): string | null {
  return globalThis.sessionStorage?.getItem(TOKEN_KEY) ?? null;
}

function set(next: Session): void {
  snapshot = next;
  listeners.forEach((l) => l());
}

export function getSession(): Session {
  return snapshot;
}

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function startSession(token: string, me: Me): void {
  sessionStorage.setItem(TOKEN_KEY, token);
  set({ token, me, endedBecause: undefined });
}

/** `me` for a token that was already stored (a reload of the tab). */
export function setMe(me: Me): void {
  set({ ...snapshot, me });
}

export function endSession(why?: string): void {
  sessionStorage.removeItem(TOKEN_KEY);
  if (snapshot.token === null && snapshot.endedBecause === why) return;
  set({ token: null, me: undefined, endedBecause: why });
}
