import type { KeyNamingRules } from "@uko/connector-sdk";
import awsKmsConnector from "@uko/connector-aws-kms";
import referenceConnector from "@uko/connector-reference";
import { describe, expect, it } from "vitest";
import { keyNameProblem, parseNamingScheme, renderKeyName, schemeProblemForType } from "../src/templates/naming-scheme.js";

const aws = awsKmsConnector.keyNaming!;
const reference = referenceConnector.keyNaming!;
const NOW = new Date("2026-03-07T23:30:00Z");

function codes(scheme: string): string[] {
  const parsed = parseNamingScheme(scheme);
  return parsed.ok ? [] : parsed.issues.map((i) => i.code);
}

function parsedOk(scheme: string) {
  const parsed = parseNamingScheme(scheme);
  if (!parsed.ok) throw new Error(`expected ${scheme} to parse: ${JSON.stringify(parsed.issues)}`);
  return parsed;
}

describe("parseNamingScheme", () => {
  it("splits fixed text, system and custom placeholders", () => {
    const parsed = parsedOk("pay-<app>-<yyyy><mm>-<env>-<app>");
    expect(parsed.parts).toEqual([
      { kind: "text", text: "pay-" },
      { kind: "custom", name: "app" },
      { kind: "text", text: "-" },
      { kind: "system", name: "yyyy" },
      { kind: "system", name: "mm" },
      { kind: "text", text: "-" },
      { kind: "custom", name: "env" },
      { kind: "text", text: "-" },
      { kind: "custom", name: "app" },
    ]);
    expect(parsed.customPlaceholders).toEqual(["app", "env"]);
    expect(parsed.usesSystemPlaceholders).toBe(true);
  });

  it("takes plain fixed text, and says when no system placeholder is used", () => {
    const parsed = parsedOk("payments-master");
    expect(parsed.parts).toEqual([{ kind: "text", text: "payments-master" }]);
    expect(parsed.customPlaceholders).toEqual([]);
    expect(parsed.usesSystemPlaceholders).toBe(false);
    expect(parsedOk("k<yy>").usesSystemPlaceholders).toBe(true);
  });

  it("accepts placeholders of 1 and 20 characters, refuses 21 and empty ones", () => {
    expect(parsedOk("<a>-x").customPlaceholders).toEqual(["a"]);
    expect(parsedOk(`x-<${"p".repeat(20)}>`).customPlaceholders).toEqual(["p".repeat(20)]);
    expect(codes(`x-<${"p".repeat(21)}>`)).toEqual(["TOO_LONG"]);
    expect(codes("x-<>")).toEqual(["SYNTAX"]);
  });

  it("refuses unclosed, unopened and nested brackets, naming the position", () => {
    expect(codes("key-<app")).toEqual(["SYNTAX"]);
    const unclosed = parseNamingScheme("key-<app");
    expect(!unclosed.ok && unclosed.issues[0]!.message).toBe('"<" at position 5 is not closed by ">"');
    expect(codes("key-app>")).toEqual(["SYNTAX"]);
    expect(codes("key-<a<b>")).toEqual(["SYNTAX"]);
    // Every problem is reported, not only the first.
    expect(codes("a>b<c")).toEqual(["SYNTAX", "SYNTAX"]);
  });

  it("refuses custom placeholders with other characters than letters and digits", () => {
    expect(codes("key-<my app>")).toEqual(["PATTERN"]);
    expect(codes("key-<my_app>")).toEqual(["PATTERN"]);
    expect(codes("key-<a/b>")).toEqual(["PATTERN"]);
  });

  it("refuses UKO's EKMF placeholders and date look-alikes instead of taking them as custom", () => {
    for (const name of ["lay", "lay/yyyy", "lastActiveYear", "lam", "SEQNO", "sqn", "sequenceNumber", "hier", "kt", "iid"]) {
      expect(codes(`key-<${name}>`), name).toEqual(["UNSUPPORTED_PLACEHOLDER"]);
    }
    expect(codes("key-<YYYY>")).toEqual(["SYNTAX"]);
    expect(codes("key-<MM>")).toEqual(["SYNTAX"]);
  });

  it("refuses an empty scheme and one over 200 characters", () => {
    expect(codes("")).toEqual(["REQUIRED"]);
    expect(codes("k".repeat(201))).toEqual(["TOO_LONG"]);
    expect(codes("k".repeat(200))).toEqual([]);
  });
});

describe("renderKeyName", () => {
  it("fills custom values and the date in UTC", () => {
    // 23:30 UTC on 7 March: still March in UTC whatever the machine's time zone.
    expect(renderKeyName("pay-<app>-<yyyy>-<mm>-<yy>", { app: "billing" }, NOW)).toEqual({ ok: true, name: "pay-billing-2026-03-26" });
    expect(renderKeyName("fixed", {}, NOW)).toEqual({ ok: true, name: "fixed" });
    expect(renderKeyName("<a> <a>", { a: "x 1" }, NOW)).toEqual({ ok: true, name: "x 1 x 1" });
  });

  it("names each missing, bad or unknown value", () => {
    const result = renderKeyName("<app>-<env>-<team>", { app: "b", env: "prod!", other: "xx" }, NOW);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map((i) => [i.placeholder, i.code])).toEqual([
      ["app", "PATTERN"],
      ["env", "PATTERN"],
      ["team", "REQUIRED"],
      ["other", "UNKNOWN"],
    ]);
    expect(renderKeyName("<app>", { app: "" }, NOW)).toMatchObject({ ok: false, issues: [{ placeholder: "app", code: "REQUIRED" }] });
    expect(renderKeyName("<app>", { app: "ab" }, NOW)).toEqual({ ok: true, name: "ab" });
  });

  it("does not take a value from the object prototype", () => {
    expect(renderKeyName("<toString>", {}, NOW)).toMatchObject({ ok: false, issues: [{ placeholder: "toString", code: "REQUIRED" }] });
  });

  it("reports a bad scheme instead of rendering it", () => {
    expect(renderKeyName("key-<app", { app: "ab" }, NOW)).toMatchObject({ ok: false, issues: [{ code: "SYNTAX" }] });
  });
});

describe("keyNameProblem", () => {
  const rules: KeyNamingRules = { minLength: 2, maxLength: 5, pattern: "[a-z]+", patternMessage: "lower-case letters", reservedPrefixes: ["ab"] };

  it("checks length, the pattern on the whole name, and reserved prefixes case-insensitively", () => {
    expect(keyNameProblem("xyz", rules)).toBeUndefined();
    expect(keyNameProblem("x", rules)).toMatch(/shorter than 2/);
    expect(keyNameProblem("xyzxyz", rules)).toMatch(/at most 5/);
    // The pattern must match the whole name, not a part of it.
    expect(keyNameProblem("xy1", rules)).toMatch(/lower-case letters/);
    expect(keyNameProblem("abc", rules)).toMatch(/must not start with "ab"/);
    expect(keyNameProblem("AWS/key", aws)).toMatch(/must not start with "aws\/"/);
    expect(keyNameProblem("awskey", aws)).toBeUndefined();
  });

  it("counts characters, not UTF-16 units", () => {
    const unicode: KeyNamingRules = { minLength: 1, maxLength: 2, pattern: ".+", patternMessage: "anything" };
    expect(keyNameProblem("😀😀", unicode)).toBeUndefined();
    expect(keyNameProblem("😀😀😀", unicode)).toMatch(/at most 2/);
  });
});

describe("schemeProblemForType", () => {
  it("accepts fixed text a type allows", () => {
    expect(schemeProblemForType(parsedOk("payments/<app>-<yyyy>"), aws)).toBeUndefined();
    expect(schemeProblemForType(parsedOk("pay_<app>"), reference)).toBeUndefined();
  });

  it("refuses fixed text with characters the type never allows", () => {
    expect(schemeProblemForType(parsedOk("pay.<app>"), aws)).toMatch(/letters, digits, '\/', '_' and '-'/);
    expect(schemeProblemForType(parsedOk("pay/<app>"), reference)).toMatch(/not allowed/);
    expect(schemeProblemForType(parsedOk("my key"), aws)).toMatch(/not allowed/);
  });

  it("refuses a reserved prefix in the fixed text", () => {
    expect(schemeProblemForType(parsedOk("aws/<app>"), aws)).toMatch(/reserved/);
    expect(schemeProblemForType(parsedOk("AWS/fixed"), aws)).toMatch(/reserved/);
  });

  it("refuses fixed text that is too long even with the shortest values", () => {
    expect(schemeProblemForType(parsedOk(`${"k".repeat(63)}<a>`), reference)).toMatch(/at most 64/);
    expect(schemeProblemForType(parsedOk(`${"k".repeat(62)}<a>`), reference)).toBeUndefined();
  });

  it("refuses a name too short only when no value can lengthen it", () => {
    expect(schemeProblemForType(parsedOk("k"), reference)).toMatch(/shorter than 2/);
    const long: KeyNamingRules = { ...reference, minLength: 10 };
    expect(schemeProblemForType(parsedOk("k-<a>"), long)).toBeUndefined();
    expect(schemeProblemForType(parsedOk("k-<yyyy>"), long)).toMatch(/shorter than 10/);
  });

  it("checks where the date lands against the pattern", () => {
    const letterFirst: KeyNamingRules = { minLength: 1, maxLength: 50, pattern: "[A-Za-z][A-Za-z0-9-]*", patternMessage: "starts with a letter" };
    expect(schemeProblemForType(parsedOk("<yyyy>-key"), letterFirst)).toMatch(/starts with a letter/);
    expect(schemeProblemForType(parsedOk("<app>-<yyyy>"), letterFirst)).toBeUndefined();
  });
});
