import { describe, expect, it } from "vitest";
import { stateRefusal } from "./key-actions.ts";

const NOW = Date.parse("2026-01-01T10:00:00Z");
const base = { state: "DEACTIVATED" as const, rotatableAt: null, destroyableAt: null, statusInKeystores: [] };

describe("actions the API would refuse", () => {
  it("destroy: not while active, and not before the wait is over, said as a duration", () => {
    expect(stateRefusal("destroy", { ...base, state: "ACTIVE" }, NOW)).toMatch(/deactivate it first/);
    expect(stateRefusal("destroy", { ...base, destroyableAt: "2026-01-01T13:12:00Z" }, NOW)).toBe("Deactivated recently: can be destroyed in 3 h 12 min.");
    expect(stateRefusal("destroy", { ...base, destroyableAt: "2026-01-01T09:00:00Z" }, NOW)).toBeUndefined();
  });
  it("rotate: within the hour", () => {
    expect(stateRefusal("rotate", { ...base, rotatableAt: "2026-01-01T10:42:00Z" }, NOW)).toMatch(/again in 42 min/);
  });
  it("delete: while a keystore still holds it otherwise than pending deletion", () => {
    const copy = { keystoreName: "k1", keystore: { id: "1", name: "k1" }, status: "ACTIVE", pending: false } as never;
    expect(stateRefusal("delete", { ...base, state: "DESTROYED", statusInKeystores: [copy] }, NOW)).toMatch(/1 keystore still does not \(k1\)/);
  });
});
