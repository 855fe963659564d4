import { expect } from "vitest";
import type { SuiteFaultKind } from "../types.js";
import type { LiveContext } from "./context.js";

/** Error codes under the emulator's faults: throttling, server errors, a remote system that never answers. */
export function faultChecks(ctx: LiveContext): void {
  const cases: { kind: SuiteFaultKind; title: string; codes: ("THROTTLED" | "REMOTE_ERROR" | "UNREACHABLE")[]; timeoutMs: number }[] = [
    { kind: "throttle", title: "a throttling remote system ends in THROTTLED (retryable) once the retries are spent", codes: ["THROTTLED"], timeoutMs: 5_000 },
    { kind: "server_error", title: "server errors end in REMOTE_ERROR or UNREACHABLE, retryable", codes: ["REMOTE_ERROR", "UNREACHABLE"], timeoutMs: 5_000 },
    { kind: "hang", title: "a remote system that never answers is UNREACHABLE by the operation's deadline", codes: ["UNREACHABLE"], timeoutMs: 600 },
  ];
  for (const c of cases) {
    ctx.check("faults", c.title, async (skip) => {
      const faults = ctx.target.emulator?.faults;
      if (ctx.acceptance) return skip("acceptance run: no faults in a real service");
      if (!faults) return skip("the target's emulator injects no faults");
      faults.inject(c.kind);
      try {
        const started = Date.now();
        const call = ctx.session.keys ? ctx.keys.listKeys({ limit: 1 }, ctx.host(c.timeoutMs)) : ctx.session.test(ctx.host(c.timeoutMs));
        const error = await ctx.failure(call, c.codes);
        expect(error.retryable, `${error.code} for ${c.kind} is retryable`).toBe(true);
        expect(Date.now() - started, "gave up by the deadline").toBeLessThan(c.timeoutMs + 1_500);
      } finally {
        faults.clear();
      }
    });
  }
}
