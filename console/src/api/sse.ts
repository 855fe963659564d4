import { endSession } from "../auth/session.ts";
import { authHeaders, SESSION_ENDED, type GraphQLErrorBody } from "./client.ts";

/**
 * One GraphQL subscription over Server-Sent Events, read from a fetch stream rather than
 * EventSource, because EventSource cannot send the Authorization header. It reconnects with
 * exponential backoff until stopped; a 401 ends the session, a 429 waits as long as asked, and an
 * error the server gives inside the stream (e.g. the vault is not readable) stops it for good.
 */
export interface StreamHandlers {
  /** Each `next` event's `data`. */
  onData(data: unknown): void;
  /** The stream is open (again); `reconnected` when it had been open before, so changes may have been missed. */
  onOpen(reconnected: boolean): void;
  /** The stream is down; it retries unless stopped or refused. */
  onClose(): void;
}

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

class Refused extends Error {}

export function subscribe(query: string, variables: Record<string, unknown>, handlers: StreamHandlers): () => void {
  const abort = new AbortController();
  void (async () => {
    let delay = FIRST_RETRY_MS;
    let opened = false;
    while (!abort.signal.aborted) {
      let wait = delay;
      try {
        await stream(query, variables, abort.signal, {
          ...handlers,
          onOpen: () => {
            handlers.onOpen(opened);
            opened = true;
            delay = FIRST_RETRY_MS;
          },
        });
      } catch (e) {
        if (abort.signal.aborted || e instanceof Refused) break;
        if (e instanceof RetryAfter) wait = Math.max(wait, e.ms);
      }
      if (abort.signal.aborted) break;
      handlers.onClose();
      // Jitter, so many tabs do not come back in step after a gateway restart.
      await sleep(wait * (0.8 + Math.random() * 0.4), abort.signal);
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
    handlers.onClose();
  })();
  return () => abort.abort();
}

class RetryAfter extends Error {
  constructor(readonly ms: number) {
    super("rate limited");
  }
}

/** One connection: resolves when the server ends the stream, throws when it fails. */
async function stream(query: string, variables: Record<string, unknown>, signal: AbortSignal, handlers: StreamHandlers): Promise<void> {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream", ...authHeaders() },
    body: JSON.stringify({ query, variables }),
    signal,
  });
  if (response.status === 401) {
    endSession(SESSION_ENDED);
    throw new Refused("unauthenticated");
  }
  if (response.status === 429) {
    const seconds = Number(response.headers.get("retry-after")) || 5;
    throw new RetryAfter(seconds * 1000);
  }
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
  handlers.onOpen(false);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n/g, "\n");
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const event = parseEvent(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (event.type === "complete") return;
      if (event.type !== "next" || !event.data) continue;
      const payload = JSON.parse(event.data) as { data?: unknown; errors?: GraphQLErrorBody[] };
      if (payload.errors?.length) throw new Refused(payload.errors[0]!.message);
      handlers.onData(payload.data);
    }
  }
}

/** `event:` and `data:` lines of one event; comments (keep-alive pings) are ignored. */
export function parseEvent(text: string): { type: string; data: string } {
  let type = "message";
  const data: string[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") type = value;
    else if (field === "data") data.push(value);
  }
  return { type, data: data.join("\n") };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });
}
