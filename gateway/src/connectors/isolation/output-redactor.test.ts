import { redactString } from "@uko/connector-sdk";
import { describe, expect, it } from "vitest";
import { OutputRedactor } from "./output-redactor.js";

const SECRET = "s3cret-value-0123456789";

function collect(maxLine?: number) {
  const lines: string[] = [];
  const redactor = new OutputRedactor((text) => redactString(text, [SECRET]), () => SECRET.length, (line) => lines.push(line), maxLine);
  return { lines, redactor };
}

describe("OutputRedactor", () => {
  it("finds a secret split across chunks at every position", () => {
    for (let cut = 1; cut < SECRET.length; cut++) {
      const { lines, redactor } = collect();
      redactor.write(`before ${SECRET.slice(0, cut)}`);
      redactor.write(`${SECRET.slice(cut)} after\n`);
      expect(lines).toEqual(["before [REDACTED] after"]);
    }
  });

  it("cuts a line without newlines but never inside a secret", () => {
    for (let offset = 0; offset < 40; offset++) {
      const { lines, redactor } = collect(64);
      const text = `${"x".repeat(offset)}${SECRET}${"y".repeat(100)}${SECRET}`;
      for (const char of text) redactor.write(char);
      redactor.end();
      const all = lines.join("");
      expect(all).not.toContain(SECRET.slice(0, 8));
      expect(all.split("[REDACTED]").length - 1).toBe(2);
    }
  });

  it("emits what is left when the stream ends, redacted", () => {
    const { lines, redactor } = collect();
    redactor.write(`last words ${SECRET}`);
    redactor.end();
    expect(lines).toEqual(["last words [REDACTED]"]);
  });
});
