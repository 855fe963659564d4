import { describe, expect, it } from "vitest";
import { parsePort, UsageError } from "./cli.js";

describe("parsePort", () => {
  it("takes 0 to 65535, defaults to 0 (any free port), and calls anything else a usage mistake", () => {
    expect(parsePort(undefined)).toBe(0);
    expect(parsePort("4599")).toBe(4599);
    for (const bad of ["-1", "65536", "4.5", "http"]) expect(() => parsePort(bad)).toThrow(UsageError);
  });
});
