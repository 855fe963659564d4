import { expect } from "vitest";
import type { LiveContext } from "./context.js";

/**
 * Runs last: no secret property value (of the target or of any negative case) appears in a line
 * the connector logged, before redaction, in an error it threw, in a check message, or in what
 * anything printed to the console while the suite ran.
 */
export function leakChecks(ctx: LiveContext): void {
  ctx.check("secret_leaks", "no secret value reached a log line, an error, a check message or the console", async () => {
    expect(ctx.canaries.size, "the target has secret properties to watch").toBeGreaterThanOrEqual(ctx.definition.properties.some((p) => p.secret) ? 1 : 0);
    const texts = [...ctx.hosts.flatMap((h) => h.rawLines), ...ctx.errors, ...ctx.texts];
    const leaks: string[] = [];
    for (const canary of ctx.canaries) {
      for (const text of texts) if (text.includes(canary)) leaks.push(text.split(canary).join("<SECRET>"));
    }
    expect(leaks).toEqual([]);
  });
}
