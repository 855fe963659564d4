import { useCallback, useEffect, useRef, useState } from "react";
import { gql } from "./client.ts";

export interface QueryState<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload(): Promise<void>;
  /** Sets the data from elsewhere (a live event); answers to requests already under way are dropped. */
  replace(update: (current: T | undefined) => T | undefined): void;
}

/**
 * Runs a query now and whenever its variables change, and every `pollMs` while the page is open
 * (a safety net for live streams, or the only updates where there are none). A failed poll keeps
 * the last data and shows the error beside it.
 */
export function useQuery<T>(query: string, variables: Record<string, unknown> = {}, options: { pollMs?: number; skip?: boolean } = {}): QueryState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(!options.skip);
  const key = JSON.stringify(variables);
  const latest = useRef(0);

  const run = useCallback(async () => {
    if (options.skip) return;
    const ticket = ++latest.current;
    try {
      const result = await gql<T>(query, JSON.parse(key) as Record<string, unknown>);
      // An answer to an older request (variables changed meanwhile) is dropped.
      if (ticket !== latest.current) return;
      setData(result);
      setError(undefined);
    } catch (e) {
      if (ticket === latest.current) setError((e as Error).message);
    } finally {
      if (ticket === latest.current) setLoading(false);
    }
  }, [query, key, options.skip]);

  useEffect(() => {
    setLoading(!options.skip);
    void run();
    if (!options.pollMs || options.skip) return;
    const timer = setInterval(() => void run(), options.pollMs);
    return () => clearInterval(timer);
  }, [run, options.pollMs, options.skip]);

  const replace = useCallback((update: (current: T | undefined) => T | undefined) => {
    // A poll sent before the event may answer after it with older data.
    latest.current++;
    setLoading(false);
    setData(update);
  }, []);

  return { data, error, loading, reload: run, replace };
}

export const POLL_MS = 5000;
