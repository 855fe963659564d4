import { validateConnectorDefinition } from "@uko/connector-sdk";
import { describe, expect, it } from "vitest";
import connector, { referenceVersioned } from "./index.js";

describe("reference connector", () => {
  it("meets the connector contract, in both rotation variants", () => {
    expect(validateConnectorDefinition(connector)).toEqual([]);
    expect(validateConnectorDefinition(referenceVersioned)).toEqual([]);
    expect([connector.rotation, referenceVersioned.rotation]).toEqual(["new_key", "new_version"]);
  });

  it("derives a stable instance id from name and location", () => {
    const a = connector.derive!({ reference_instance: "one", reference_location: "eu" });
    expect(a).toEqual(connector.derive!({ reference_instance: "one", reference_location: "eu" }));
    expect(a).not.toEqual(connector.derive!({ reference_instance: "one", reference_location: "us" }));
  });
});
