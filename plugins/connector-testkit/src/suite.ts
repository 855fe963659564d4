import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintConnectorDefinition } from "./lint.js";
import { connectionChecks } from "./live/connection.js";
import { LiveContext } from "./live/context.js";
import { faultChecks } from "./live/faults.js";
import { keyChecks } from "./live/keys.js";
import { leakChecks } from "./live/leaks.js";
import type { ConnectorSuiteOptions } from "./types.js";

/**
 * Registers the conformance suite in the calling vitest file:
 * - a static lint of the definition (no network), always;
 * - with `target`, the live suite against it: connection test and negative cases, every declared
 *   key kind installed and proven, rotation per the declared model, enable/disable, deletion and
 *   its cancellation, findManagedCopy, resumed installs, list paging, error codes, faults, and a
 *   scan of everything the connector said for its secrets.
 */
export function runConnectorSuite(options: ConnectorSuiteOptions): void {
  const type = typeof options.connector?.type === "string" ? options.connector.type : "connector";

  describe(`${type}: definition`, () => {
    it("passes the gateway's definition check and the kit's lint", () => {
      expect(lintConnectorDefinition(options.connector, options.lint)).toEqual([]);
    });
  });

  const makeTarget = options.target;
  if (!makeTarget) return;
  const ctx = new LiveContext(options);

  describe(`${type}: live suite against ${ctx.acceptance ? "the real service (acceptance)" : "its emulator"}`, () => {
    beforeAll(async () => {
      if (!options.proveMaterial && options.connector.capabilities.algorithms.length > 0) {
        throw new Error("runConnectorSuite: the live suite needs proveMaterial(session, remoteKey, material, target)");
      }
      ctx.captureConsole();
      ctx.target = await makeTarget();
      ctx.session = await options.connector.connect(ctx.watch(ctx.target.properties), ctx.host());
    }, 120_000);
    afterAll(() => ctx.cleanUp(), 120_000);

    describe("connection", () => connectionChecks(ctx));
    describe("keys", () => keyChecks(ctx));
    describe("faults", () => faultChecks(ctx));
    describe("secrets", () => leakChecks(ctx));
  });
}
