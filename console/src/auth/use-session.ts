import { useEffect, useState, useSyncExternalStore } from "react";
import { gql } from "../api/client.ts";
import { ME } from "../api/documents.ts";
import type { Me } from "./me.ts";
import { getSession, setMe, subscribeSession, type Session } from "./session.ts";

/**
 * The session, and on a reload with a stored token, who it belongs to: `me` is asked once; a 401
 * ends the session (gql does that), any other failure is returned so the app can offer a retry.
 */
export function useSession(): Session & { loadError: string | undefined; retry(): void } {
  const session = useSyncExternalStore(subscribeSession, getSession);
  const [loadError, setLoadError] = useState<string>();
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!session.token || session.me) return;
    let live = true;
    setLoadError(undefined);
    gql<{ me: Me }>(ME)
      .then((r) => live && setMe(r.me))
      .catch((e: Error) => live && setLoadError(e.message));
    return () => {
      live = false;
    };
  }, [session.token, session.me, attempt]);
  return { ...session, loadError, retry: () => setAttempt((a) => a + 1) };
}
