import { useSyncExternalStore } from "react";
import { getSession, subscribeSession } from "./session.ts";
import { refusal, type Permission } from "./permissions.ts";

/**
 * `why(permission, vault)`: the reason the signed-in token may not do it, or undefined. The app
 * renders pages only once `me` is loaded, so a missing one means nothing is refused here.
 */
export function useCan(): { why(permission: Permission, vault?: { id: string; name: string }): string | undefined } {
  const { me } = useSyncExternalStore(subscribeSession, getSession);
  return { why: (permission, vault) => (me ? refusal(me, permission, vault) : undefined) };
}
