import { expect } from "vitest";
import type { LiveContext } from "./context.js";

/**
 * Runs last: no secret property value (of the target or of any negative case) appears in a line
 * the connector logged, before redaction, in an error it threw, or in a check message.
 */
export function leakChecks(ctx: LiveContext): void {
  ctx.check("secret_leaks", "no secret value reached a log line, an error or a check message", async () => {
    expect(ctx.canaries.size, "the target has secret properties to watch").toBeGreaterThanOrEqual(ctx.definition.properties.some((p) => p.secret) ? 1 : 0);
    const texts = [...ctx.hosts.flatMap((h) => h.rawLines), ...ctx.errors, ...ctx.texts];
    const leaks: string[] = [];
    for (const canary of ctx.canaries) {
      for (const text of texts) if (text.includes(canary)) leaks.push(text.split(canary).join("<SECRET>"));
    }
    expect(leaks).toEqual([]);
  });
}
