import { afterEach, describe, expect, it, vi } from "vitest";
import { parseEvent, subscribe } from "./sse.ts";

/** The SSE reader: event parsing, delivery, reconnecting after a failure, and stopping. */
const sse = (...events: string[]) =>
  new Response(new Blob([events.join("")]).stream(), { status: 200, headers: { "content-type": "text/event-stream" } });
const next = (data: unknown) => `event: next\ndata: ${JSON.stringify({ data })}\n\n`;

afterEach(() => vi.unstubAllGlobals());

describe("parseEvent", () => {
  it("reads event and data lines and ignores keep-alive comments", () => {
    expect(parseEvent('event: next\ndata: {"a":1}')).toEqual({ type: "next", data: '{"a":1}' });
    expect(parseEvent(":")).toEqual({ type: "message", data: "" });
    expect(parseEvent("event: complete\ndata:")).toEqual({ type: "complete", data: "" });
  });
});

describe("subscribe", () => {
  it("delivers events, reconnects after a failure (saying so), and stops when asked", async () => {
    const calls: RequestInit[] = [];
    const answers = [() => Promise.reject(new TypeError("network down")), () => Promise.resolve(sse(": ping\n\n", next({ n: 1 }), next({ n: 2 }))), () => new Promise<Response>(() => {})];
    vi.stubGlobal("sessionStorage", { getItem: () => "tok" });
    vi.stubGlobal("fetch", (_url: string, init: RequestInit) => {
      calls.push(init);
      return answers[calls.length - 1]!();
    });
    const data: unknown[] = [];
    const opened: boolean[] = [];
    let closed = 0;
    const stop = subscribe("subscription { x }", { vaultId: "v" }, { onData: (d) => data.push(d), onOpen: (r) => opened.push(r), onClose: () => closed++ });
    // The first attempt fails; the retry comes about a second later.
    await vi.waitFor(() => expect(data).toEqual([{ n: 1 }, { n: 2 }]), { timeout: 3000 });
    expect(closed).toBeGreaterThanOrEqual(1);
    expect(calls[0]!.headers).toMatchObject({ accept: "text/event-stream", authorization: "Bearer tok" });
    // The stream ended, so it connects again: a third request, and that one stays open.
    await vi.waitFor(() => expect(calls.length).toBe(3), { timeout: 4000 });
    expect(opened).toEqual([false]);
    stop();
    expect(calls[2]!.signal?.aborted).toBe(true);
  });
});
