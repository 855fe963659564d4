import { OPTIONAL_KEY_OPERATIONS, OPTIONAL_OPERATION_METHODS, type ConnectionCheck, type ConnectionTestReport } from "@uko/connector-sdk";
import { describe, expect } from "vitest";
import type { LiveContext } from "./context.js";

const REQUIRED_KEY_METHODS = ["installKey", "findManagedCopy", "describeKey", "enableKey", "disableKey", "scheduleKeyDeletion", "listKeys"] as const;

/** The session against the target: what it implements, its connection test, and the negative cases. */
export function connectionChecks(ctx: LiveContext): void {
  /** The first successful report, so the negative cases know which permissions the connector can verify. */
  let passing: ConnectionTestReport | undefined;

  ctx.check("connection", "the session implements exactly the operations the capabilities declare", async () => {
    const def = ctx.definition;
    const keys = ctx.session.keys as unknown as Record<string, unknown> | undefined;
    if (def.capabilities.algorithms.length === 0) return;
    expect(keys, "declares key algorithms, so the session needs key operations").toBeDefined();
    const problems: string[] = [];
    for (const method of REQUIRED_KEY_METHODS) if (typeof keys?.[method] !== "function") problems.push(`keys.${method} is missing`);
    for (const op of OPTIONAL_KEY_OPERATIONS) {
      const has = typeof keys?.[OPTIONAL_OPERATION_METHODS[op]] === "function";
      const declared = def.capabilities.operations.includes(op);
      if (declared && !has) problems.push(`declares "${op}" but keys.${OPTIONAL_OPERATION_METHODS[op]} is missing`);
      if (!declared && has) problems.push(`implements keys.${OPTIONAL_OPERATION_METHODS[op]} but does not declare "${op}": the gateway will never call it`);
    }
    const repairs = typeof ctx.session.repairKeystore === "function";
    if (def.capabilities.repair && !repairs) problems.push("declares capabilities.repair but repairKeystore is missing");
    if (!def.capabilities.repair && repairs) problems.push("implements repairKeystore but does not declare capabilities.repair: the gateway will never call it");
    expect(problems).toEqual([]);
  });

  ctx.check("connection", "the connection test passes, checks every required permission and learns the account", async () => {
    const report = await ctx.session.test(ctx.host());
    ctx.texts.push(...report.checks.map((c) => c.message));
    expect(report.checks.length, "a connection test reports at least one check").toBeGreaterThan(0);
    expect(report.checks.filter((c) => c.outcome === "failed").map((c) => `${c.name}: ${c.message}`)).toEqual([]);
    const unchecked = ctx.definition.requiredPermissions.filter((p) => !report.checks.some((c) => c.permission === p.name)).map((p) => p.name);
    expect(unchecked, "every required permission has a check (not_verifiable when it cannot be tested)").toEqual([]);
    if (ctx.target.account !== undefined) expect(report.account).toBe(ctx.target.account);
    passing = report;
  });

  ctx.check("connection", "onConnect, when the connector has one, can run twice", async (skip) => {
    if (!ctx.session.onConnect) return skip("no onConnect");
    await ctx.session.onConnect(ctx.host());
    await ctx.session.onConnect(ctx.host());
  });

  ctx.check("connection", "repairKeystore, when declared, changes nothing on a healthy keystore and can run twice", async (skip) => {
    if (!ctx.definition.capabilities.repair || !ctx.session.repairKeystore) return skip("no repair declared");
    await ctx.session.onConnect?.(ctx.host());
    await ctx.session.repairKeystore(ctx.host());
    await ctx.session.repairKeystore(ctx.host());
    const report = await ctx.session.test(ctx.host(), { connected: true });
    ctx.texts.push(...report.checks.map((c) => c.message));
    expect(report.checks.filter((c) => c.outcome === "failed").map((c) => `${c.name}: ${c.message}`)).toEqual([]);
  });

  const negative = ctx.options.negative ?? {};
  describe("negative cases", () => {
    ctx.check("negative", "bad credentials fail the test with AUTHENTICATION_FAILED, naming the property", async (skip) => {
      const properties = await negative.badCredentials?.(ctx.target);
      if (!properties) return skip("no negative.badCredentials");
      const error = await ctx.failure(ctx.withSession(properties, (s) => s.test(ctx.host())), "AUTHENTICATION_FAILED");
      const declared = ctx.definition.properties.map((p) => p.name);
      expect(error.properties.length, "the error names the property to fix").toBeGreaterThan(0);
      for (const name of error.properties) expect(declared).toContain(name);
    });

    ctx.check("negative", "an unreachable endpoint fails the test with UNREACHABLE by the deadline", async (skip) => {
      const properties = await negative.unreachable?.(ctx.target);
      if (!properties) return skip("no negative.unreachable");
      const started = Date.now();
      const host = ctx.host(2_000);
      await ctx.failure(ctx.withSession(properties, (s) => s.test(host), host), "UNREACHABLE");
      expect(Date.now() - started, "gave up within the operation's budget").toBeLessThan(2_000 + 2_000);
    });

    for (const permission of ctx.definition.requiredPermissions) {
      ctx.check("negative", `without ${permission.name}, the test fails that permission's check and no other`, async (skip) => {
        const verifiable = new Set((passing?.checks ?? []).filter((c) => c.outcome === "passed" && c.permission).map((c) => c.permission));
        if (!verifiable.has(permission.name)) return skip("the connection test cannot verify this permission");
        const properties = await negative.missingPermission?.(ctx.target, permission.name);
        if (!properties) return skip("no negative.missingPermission for it");
        const outcome = await ctx.withSession(properties, (s) => s.test(ctx.host())).then(
          (report) => ({ report }),
          (error: unknown) => ({ error }),
        );
        if ("error" in outcome) {
          await ctx.failure(Promise.reject(outcome.error), "PERMISSION_DENIED");
          return;
        }
        const checks: readonly ConnectionCheck[] = outcome.report.checks;
        ctx.texts.push(...checks.map((c) => c.message));
        expect(checks.find((c) => c.permission === permission.name)?.outcome).toBe("failed");
        const others = checks.filter((c) => c.outcome === "failed" && (c.permission === undefined || (c.permission !== permission.name && verifiable.has(c.permission))));
        expect(others.map((c) => c.name)).toEqual([]);
      });
    }
  });
}
