import { describe, expect, it } from "vitest";
import { testType } from "../../forms/fixtures.ts";
import { firstSentence, holds, needs } from "./type-summary.ts";

describe("a keystore type's card", () => {
  it("says what it connects to in one sentence, even when the description has more", () => {
    expect(firstSentence("A key ring of Google Cloud KMS in one project and location. The gateway creates import-only keys.")).toBe(
      "A key ring of Google Cloud KMS in one project and location.",
    );
    expect(firstSentence("AWS KMS, e.g. in us-east-1. Imports.")).toBe("AWS KMS, e.g. in us-east-1.");
    expect(firstSentence("One sentence only")).toBe("One sentence only");
  });

  it("lists what to have at hand (required, not derived) and what keys it holds", () => {
    expect(needs(testType)).toBe("Region, API secret");
    expect(holds({ ...testType, capabilities: { algorithms: [{ algorithm: "rsa", sizes: ["2048"] }, { algorithm: "ec", sizes: ["P-256"] }] } })).toBe("RSA and EC keys");
    expect(holds({ ...testType, capabilities: { algorithms: [{ algorithm: "aes", sizes: ["256"] }] } })).toBe("AES keys");
  });
});
