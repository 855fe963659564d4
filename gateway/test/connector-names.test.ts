import { GATEWAY_TYPE_NAMES, RESERVED_PROPERTY_FIELDS, connectorGraphqlNames } from "@uko/connector-sdk";
import { isInterfaceType } from "graphql";
import { describe, expect, it } from "vitest";
import referenceConnector from "@uko/connector-reference";
import { ConnectorLoadError, ConnectorRegistry, register } from "../src/connectors/registry.js";
import { buildSchema } from "../src/schema/index.js";

/**
 * The SDK refuses connector definitions whose GraphQL names would clash with the gateway's; these
 * tests keep the SDK's lists of the gateway's names true to the schema the gateway builds.
 */
describe("connector GraphQL names", () => {
  const schema = buildSchema(new ConnectorRegistry([register("@uko/connector-reference", referenceConnector)]));
  const own = connectorGraphqlNames(referenceConnector.type);

  it("every gateway type a connector's type name could take is in the SDK's GATEWAY_TYPE_NAMES", () => {
    const clashable = Object.keys(schema.getTypeMap()).filter(
      (name) => (name.endsWith("Keystore") || name.endsWith("PropertiesInput")) && name !== own.keystoreType && name !== own.propertiesInputType,
    );
    expect(clashable.sort()).toEqual([...GATEWAY_TYPE_NAMES].sort());
    expect(schema.getType(own.keystoreType)).toBeDefined();
    expect(schema.getType(own.propertiesInputType)).toBeDefined();
  });

  it("every field of the Keystore interface is in the SDK's RESERVED_PROPERTY_FIELDS", () => {
    const keystore = schema.getType("Keystore");
    expect(isInterfaceType(keystore)).toBe(true);
    const fields = Object.keys(isInterfaceType(keystore) ? keystore.getFields() : {});
    expect(fields.filter((f) => !RESERVED_PROPERTY_FIELDS.includes(f))).toEqual([]);
  });

  it("refuses two connectors whose type ids take the same GraphQL names", () => {
    const twin = { ...referenceConnector, type: "ref_1x" };
    const other = { ...referenceConnector, type: "ref1x" };
    expect(() => new ConnectorRegistry([register("a", twin), register("b", other)])).toThrow(ConnectorLoadError);
    expect(() => new ConnectorRegistry([register("a", twin), register("b", other)])).toThrow(/takes the GraphQL names of "ref_1x"/);
  });
});
