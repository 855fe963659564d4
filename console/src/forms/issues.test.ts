import { describe, expect, it } from "vitest";
import { errorToFields, fieldOfPath, FORM, issuesToErrors } from "./issues.ts";
import { testType } from "./fixtures.ts";

describe("API issues at their fields", () => {
  it("maps issue paths to property wire names and to the keystore's own fields", () => {
    expect(fieldOfPath(["input", "properties", "testKms", "apiSecret"], testType)).toBe("api_secret");
    expect(fieldOfPath(["input", "name"], testType)).toBe("name");
    expect(fieldOfPath(["input", "groups", "1"], testType)).toBe("groups");
    expect(fieldOfPath(["input", "properties", "otherKms", "x"], testType)).toBe(FORM);
    expect(fieldOfPath(["input"], testType)).toBe(FORM);
  });

  it("joins several issues of one field", () => {
    expect(
      issuesToErrors(
        [
          { path: ["input", "properties", "testKms", "region"], message: "a", code: "PATTERN" },
          { path: ["input", "properties", "testKms", "region"], message: "b", code: "INVALID" },
        ],
        testType,
      ),
    ).toEqual({ region: "a; b" });
  });

  it("puts typed errors where they belong", () => {
    expect(errorToFields({ __typename: "DuplicateNameError", code: "DUPLICATE_NAME", message: "The name aws is taken" }, testType)).toEqual({ name: "The name aws is taken" });
    expect(errorToFields({ __typename: "KeystoreAlreadyConnectedError", code: "ALREADY_CONNECTED", message: "Already connected as aws in Payments" }, testType)).toEqual({
      [FORM]: "Already connected as aws in Payments",
      region: "This keystore is already connected (see the message above)",
    });
    expect(errorToFields({ __typename: "ImmutablePropertiesError", code: "IMMUTABLE", message: "Locked", properties: ["region"] }, testType)).toMatchObject({ region: expect.stringMatching(/Locked/) });
    expect(errorToFields({ __typename: "NotFoundError", code: "NOT_FOUND", message: "No such vault", path: ["input", "vaultId"] }, testType)).toEqual({ vaultId: "No such vault" });
    expect(
      errorToFields({ __typename: "ValidationError", code: "VALIDATION", message: "bad", issues: [{ path: ["input", "properties", "testKms", "tier"], message: "Tier must be one of", code: "ENUM" }] }, testType),
    ).toEqual({ tier: "Tier must be one of" });
    expect(errorToFields({ __typename: "VersionConflictError", code: "VERSION_CONFLICT", message: "Stale" }, testType)).toEqual({ [FORM]: "Stale" });
  });
});

describe("the GraphQL client", () => {
  it("sends a bearer token only when one is kept in sessionStorage", async () => {
    const { authHeaders, TOKEN_KEY } = await import("../api/client.ts");
    expect(authHeaders({ getItem: () => null })).toEqual({});
    expect(authHeaders({ getItem: (k: string) => (k === TOKEN_KEY ? "tok-123" : null) })).toEqual({ authorization: "Bearer tok-123" });
    expect(authHeaders(undefined)).toEqual({});
  });
});
