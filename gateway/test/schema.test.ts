import { readFileSync } from "node:fs";
import { isInputObjectType, isInterfaceType, isObjectType, buildSchema as parseSdl, type GraphQLNamedType } from "graphql";
import { describe, expect, it } from "vitest";
import referenceConnector from "@uko/connector-reference";
import { ConnectorRegistry, register } from "../src/connectors/registry.js";
import { buildSchema } from "../src/schema/index.js";
import { printDefaultSchema } from "../src/schema/print.js";

describe("the schema", () => {
  it("matches the committed gateway/schema.graphql (run `npm run print-schema -w @uko/gateway` after a change)", async () => {
    const committed = readFileSync(new URL("../schema.graphql", import.meta.url), "utf8");
    expect(await printDefaultSchema()).toBe(committed);
  });

  it("describes every type, field and argument, with a connector loaded", () => {
    const schema = buildSchema(new ConnectorRegistry([register("@uko/connector-reference", referenceConnector)]));
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap()) as GraphQLNamedType[]) {
      if (type.name.startsWith("__") || ["String", "Int", "Float", "Boolean", "ID"].includes(type.name)) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of "args" in field ? field.args : []) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it("makes the properties input a @oneOf with one member per connector", () => {
    const schema = buildSchema(new ConnectorRegistry([register("@uko/connector-reference", referenceConnector)]));
    const input = schema.getType("KeystorePropertiesInput");
    expect(isInputObjectType(input) && input.isOneOf).toBe(true);
    expect(Object.keys((input as any).getFields())).toEqual(["reference"]);
    expect(() => parseSdl(readFileSync(new URL("../schema.graphql", import.meta.url), "utf8"))).not.toThrow();
  });
});
