import { describe, expect, it } from "vitest";
import connector from "./index.js";

describe("reference connector", () => {
  it("derives a stable instance id from name and location", () => {
    const a = connector.derive!({ reference_instance: "one", reference_location: "eu" });
    expect(a).toEqual(connector.derive!({ reference_instance: "one", reference_location: "eu" }));
    expect(a).not.toEqual(connector.derive!({ reference_instance: "one", reference_location: "us" }));
  });
});
