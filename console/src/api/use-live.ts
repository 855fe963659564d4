import { useEffect, useRef, useState } from "react";
import { subscribe } from "./sse.ts";
import { POLL_MS, useQuery, type QueryState } from "./use-query.ts";

/**
 * Browsers open at most six HTTP/1.1 connections per origin and each stream holds one, so a page
 * streams at most this many vaults; beyond that it keeps polling (queries need connections too).
 */
export const MAX_STREAMS = 3;

/**
 * Subscribes `query` once per vault while the page is mounted and stops when it unmounts or the
 * vaults change. `live` is true while every vault's stream is open: pages then poll only rarely,
 * and poll as before while a stream is down or there are too many vaults.
 */
export function useLive(query: string, vaultIds: readonly string[], onEvent: (data: any) => void): { live: boolean } {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const ids = [...new Set(vaultIds)].sort();
  const key = ids.join(",");
  const [open, setOpen] = useState(0);

  useEffect(() => {
    setOpen(0);
    if (!key || ids.length > MAX_STREAMS) return;
    // Streams being stopped still report their close; only this effect's streams may count.
    let active = true;
    const stops = ids.map((vaultId) => {
      let counted = false;
      return subscribe(query, { vaultId }, {
        onData: (data) => active && handler.current(data),
        onOpen: (reconnected) => {
          if (!active) return;
          if (!counted) setOpen((n) => n + 1);
          counted = true;
          // Whatever changed while the stream was down is not replayed: read it afresh.
          if (reconnected) handler.current(undefined);
        },
        onClose: () => {
          if (!active) return;
          if (counted) setOpen((n) => n - 1);
          counted = false;
        },
      });
    });
    return () => {
      active = false;
      stops.forEach((stop) => stop());
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for `ids`
  }, [query, key]);

  return { live: ids.length > 0 && ids.length <= MAX_STREAMS && open === ids.length };
}

/** How often a page polls while its streams are open: only a safety net. */
export const LIVE_POLL_MS = 60_000;

/**
 * A query kept fresh by a subscription per vault: `vaults` names the vaults its data shows,
 * `apply` folds an event into it (an undefined event means "read it again": a stream came back).
 * While every stream is open it polls every LIVE_POLL_MS, otherwise every POLL_MS, never when
 * `poll` is false.
 */
export function useLiveQuery<T>(
  query: string,
  variables: Record<string, unknown>,
  stream: { subscription: string; vaults(data: T | undefined): string[]; apply(event: any, q: QueryState<T>): void; poll?: boolean },
): QueryState<T> & { live: boolean } {
  const [streaming, setStreaming] = useState(false);
  const q = useQuery<T>(query, variables, { pollMs: stream.poll === false ? undefined : streaming ? LIVE_POLL_MS : POLL_MS });
  const { live } = useLive(stream.subscription, stream.vaults(q.data), (event) => (event === undefined ? void q.reload() : stream.apply(event, q)));
  useEffect(() => setStreaming(live), [live]);
  return { ...q, live };
}
