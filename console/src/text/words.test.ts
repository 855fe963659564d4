import { describe, expect, it } from "vitest";
import { durationWords, holdsWord, plural, stateWord, timeUntil } from "./words.ts";

describe("plain words", () => {
  it("counts in English", () => {
    expect(plural(1, "keystore")).toBe("1 keystore");
    expect(plural(0, "keystore")).toBe("0 keystores");
    expect(plural(2, "policy", "policies")).toBe("2 policies");
  });
  it("names states and holdings without capitals or underscores", () => {
    expect(stateWord("PRE_ACTIVATION")).toBe("pre-activation");
    expect(holdsWord("NOT_ACTIVE")).toBe("disabled");
  });
  it("says a wait as hours and minutes, rounding up", () => {
    expect(durationWords((3 * 60 + 12) * 60_000)).toBe("3 h 12 min");
    expect(durationWords(59 * 60_000 + 1)).toBe("1 h");
    expect(durationWords(26 * 3_600_000)).toBe("1 d 2 h");
    expect(timeUntil(new Date(1_000 + 90_000).toISOString(), 1_000)).toBe("2 min");
    expect(timeUntil(new Date(0).toISOString(), 1_000)).toBeUndefined();
  });
});
