import { describe, expect, it } from "vitest";
import { fieldsFor } from "./descriptors.ts";
import { testType } from "./fixtures.ts";
import { decodeBase64Text, derivedFromFiles, encodeBase64, readFileProperty } from "./key-files.ts";

const key = {
  type: "service_account",
  project_id: "uko-test-project",
  private_key_id: "0123456789abcdef0123456789abcdef01234567",
  private_key: "not-a-real-key-but-a-secret-marker",
  client_email: "uko@uko-test-project.iam.gserviceaccount.com",
};

describe("reading a service-account key file in the browser", () => {
  it("derives the project and private key id, and never copies the private key", () => {
    const reading = readFileProperty("google_credentials", JSON.stringify(key));
    expect(reading).toEqual({ problems: [], derived: { google_project_id: "uko-test-project", google_private_key_id: key.private_key_id } });
    expect(JSON.stringify(reading)).not.toContain(key.private_key);
  });

  it("names each part of a file that is not a service account's key", () => {
    expect(readFileProperty("google_credentials", "{ nope")!.problems).toEqual(["the file is not valid JSON"]);
    expect(readFileProperty("google_credentials", "[1]")!.problems).toEqual(["the file must hold a JSON object"]);
    const { private_key: _gone, ...noKey } = key;
    expect(readFileProperty("google_credentials", JSON.stringify({ ...noKey, type: "authorized_user", project_id: 7 }))!.problems).toEqual([
      '"type" must be "service_account": this is not a service account\'s key',
      '"project_id" must be a string',
      '"private_key" is missing',
    ]);
  });

  it("reads only files it knows; derived values come from the form's chosen files", () => {
    expect(readFileProperty("key_file", "{}")).toBeUndefined();
    const fields = fieldsFor({ ...testType, properties: testType.properties.map((d) => (d.name === "key_file" ? { ...d, name: "google_credentials" } : d)) }, "connect");
    const base64 = encodeBase64(new TextEncoder().encode(JSON.stringify(key)));
    expect(decodeBase64Text(base64)).toBe(JSON.stringify(key));
    expect(derivedFromFiles(fields, { google_credentials: base64 })).toMatchObject({ google_project_id: "uko-test-project" });
    expect(derivedFromFiles(fields, { google_credentials: "" })).toEqual({});
  });
});
