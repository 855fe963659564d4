/**
 * How long the background sync leaves a keystore alone after a push to it failed: exponential in
 * the failures in a row, from `baseMs`, capped at `maxMs` (UKO_INSTALL_BACKOFF_BASE_S and
 * UKO_INSTALL_BACKOFF_MAX_S). A key that can never install (its name taken by a key the gateway
 * does not manage) then costs a few remote calls an hour instead of a scan of the account every
 * round. A user's own request (activate, sync) always tries at once.
 */
export interface InstallBackoff {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_INSTALL_BACKOFF: InstallBackoff = { baseMs: 30_000, maxMs: 3_600_000 };

/** When the next background attempt may run after `failures` failures in a row. */
export function retryAfter(backoff: InstallBackoff, failures: number, now: Date): Date {
  const delay = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(Math.max(0, failures - 1), 30));
  return new Date(now.getTime() + delay);
}
