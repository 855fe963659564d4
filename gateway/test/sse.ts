import type { TestGateway } from "./harness.js";

export type SseMessage = { data?: any; errors?: { message: string; extensions: { code: string } }[] } | "ended" | "silent";

/**
 * Opens a GraphQL subscription over Server-Sent Events on a test gateway as `bearer`; `next()`
 * gives the next message: its data or errors, "ended" when the stream completed, "silent" when
 * nothing came within the time given.
 */
export async function subscribeSse(t: TestGateway, bearer: string, query: string, variables: Record<string, unknown>) {
  const controller = new AbortController();
  const body = JSON.stringify({ query, variables });
  const response = await t.gateway.yoga.fetch("http://localhost/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream", "content-length": String(Buffer.byteLength(body)), authorization: `Bearer ${bearer}` },
    body,
    signal: controller.signal,
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  return {
    status: response.status,
    async next(timeoutMs = 5000): Promise<SseMessage> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const message = /(?:^|\n)event: (next|complete)\n(?:data: (.*)\n)?\n/.exec(buffer);
        if (message) {
          buffer = buffer.slice(message.index + message[0].length);
          return message[1] === "complete" ? "ended" : JSON.parse(message[2]!);
        }
        const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), Math.max(1, deadline - Date.now())))]);
        if (chunk === null) return "silent";
        if (chunk.done) return "ended";
        buffer += chunk.value;
      }
    },
    close: () => {
      controller.abort();
      void reader.cancel().catch(() => undefined);
    },
  };
}
