import { describe, expect, it } from "vitest";
import { actionOutcome, stateSummary } from "./installs.ts";

const ok = { keystoreName: "a", status: "ACTIVE", syncFlag: "OK" as const, error: null };
const bad = { keystoreName: "b", status: "ERROR", syncFlag: "ERROR" as const, error: "refused" };

describe("install outcomes", () => {
  it("an active key installed nowhere says so, in red", () => {
    expect(stateSummary({ state: "ACTIVE", statusInKeystores: [bad] })).toEqual({ text: "active, not yet in any keystore: 1 failed", tone: "bad" });
    expect(stateSummary({ state: "ACTIVE", statusInKeystores: [ok, bad] })).toBeUndefined();
  });
  it("the banner counts successes and failures per keystore", () => {
    expect(actionOutcome("Activate", [ok])).toEqual({ text: "Activate: 1 keystore succeeded, 0 failed.", failed: false });
    expect(actionOutcome("Activate", [ok, bad])).toEqual({ text: "Activate: 1 keystore succeeded, 1 failed. Failed in b: refused.", failed: true });
  });
});
