import { describe, expect, it } from "vitest";
import { base64ByteLength } from "./buffer-shim.ts";
import { initialValues } from "./descriptors.ts";
import { testType } from "./fixtures.ts";
import { parseGroups, validateGeneral, validatePropertyForm } from "./validate.ts";

describe("form validation with the SDK's rules", () => {
  const valid = { ...initialValues(testType, "connect"), region: "eu-central-1", api_secret: "abc" };

  it("accepts a complete form", () => {
    expect(validatePropertyForm(testType, valid)).toEqual({});
  });

  it("reports required fields by wire name with the SDK's message", () => {
    expect(validatePropertyForm(testType, { ...valid, region: "", api_secret: "" })).toEqual({ region: "Region is required", api_secret: "API secret is required" });
  });

  it("matches patterns against the whole value and shows the descriptor's message", () => {
    expect(validatePropertyForm(testType, { ...valid, region: "xeu-central-1" }).region).toBe("Region must be an AWS region name such as us-east-1");
    expect(validatePropertyForm(testType, { ...valid, region: "eu-central-1 " }).region).toBe("Region must be an AWS region name such as us-east-1");
    expect(validatePropertyForm(testType, { ...valid, api_secret: "a b" }).api_secret).toBe("Only letters and digits");
  });

  it("checks lengths, ranges, integers and file sizes", () => {
    expect(validatePropertyForm(testType, { ...valid, region: "eu-c-1" }).region).toBe("Region must be at least 9 characters");
    expect(validatePropertyForm(testType, { ...valid, retries: "9" }).retries).toBe("Retries must be between 0 and 5");
    expect(validatePropertyForm(testType, { ...valid, retries: "1.5" }).retries).toBe("Retries must be a whole number");
    const big = btoa("x".repeat(5000));
    expect(validatePropertyForm(testType, { ...valid, key_file: big }).key_file).toBe("Key file must be at most 4096 bytes (this one has 5000)");
    expect(validatePropertyForm(testType, { ...valid, key_file: btoa('{"a":1}') })).toEqual({});
  });

  it("when editing, does not ask for absent values nor check locked ones", () => {
    expect(validatePropertyForm(testType, { region: "not a region", api_secret: "" }, "edit", [])).toEqual({});
  });

  it("measures base64 like Buffer does", () => {
    for (const text of ["", "a", "ab", "abc", "abcd", "x".repeat(4097)]) expect(base64ByteLength(btoa(text))).toBe(text.length);
  });
});

describe("the keystore's own fields", () => {
  it("follows the API's documented rules", () => {
    expect(validateGeneral({ name: "", description: "", groups: "" })).toEqual({ name: "Name is required" });
    expect(validateGeneral({ name: "-bad", description: "", groups: "" }).name).toMatch(/start with a letter or digit/);
    expect(validateGeneral({ name: "aws prod.1", description: "x".repeat(201), groups: "prod, x" })).toEqual({
      description: "Description must be at most 200 characters",
      groups: 'Each group must be 2 to 128 characters ("x" is not)',
    });
    expect(parseGroups(" prod, eu ,,")).toEqual(["prod", "eu"]);
  });
});
