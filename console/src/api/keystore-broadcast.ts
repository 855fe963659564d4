import { useEffect, useRef } from "react";

/**
 * Edits of a keystore told to the console's other tabs in this browser, over a BroadcastChannel.
 * The gateway publishes keystoreStatusChanged only when a status changes, not on an edit of a
 * name, groups or properties, so the tab that saved says so itself; other tabs read it again.
 */
const CHANNEL = "uko.keystore-changes";

export function announceKeystoreChanged(id: string): void {
  if (typeof BroadcastChannel === "undefined") return;
  const channel = new BroadcastChannel(CHANNEL);
  channel.postMessage({ id });
  channel.close();
}

/** Calls `onChange` with the id of each keystore another tab saved while this page is open. */
export function useKeystoreChanges(onChange: (id: string) => void): void {
  const handler = useRef(onChange);
  handler.current = onChange;
  useEffect(() => {
    if (typeof BroadcastChannel === "undefined") return;
    const channel = new BroadcastChannel(CHANNEL);
    channel.onmessage = (event: MessageEvent<{ id?: unknown }>) => {
      if (typeof event.data?.id === "string") handler.current(event.data.id);
    };
    return () => channel.close();
  }, []);
}
