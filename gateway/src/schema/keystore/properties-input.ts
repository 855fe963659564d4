import { camelCase, type PropertyValue } from "@uko/connector-sdk";
import type { Builder } from "../../builder.js";
import type { ConnectorRegistry } from "../../connectors/registry.js";
import { ValidationError } from "../../errors.js";
import { article } from "../text.js";
import type { GivenProperties } from "../../keystores/service.js";

/**
 * `KeystorePropertiesInput`, a @oneOf input with one member per loaded keystore type, generated
 * from each connector's declared properties. Every field is nullable in GraphQL: the rules
 * (required, lengths, patterns) are the connector's, checked by the service, so a missing or bad
 * value comes back as a typed ValidationError naming its path rather than a parse failure.
 */
export function definePropertiesInput(builder: Builder, registry: ConnectorRegistry) {
  const members = registry.all().map((connector) => {
    const settable = connector.definition.properties.filter((p) => !p.derived);
    const input = builder.inputType(`${connector.typeName}PropertiesInput`, {
      description: `Connection properties of ${article(connector.definition.displayName)} ${connector.definition.displayName}.`,
      fields: (t) =>
        Object.fromEntries(
          settable.map((p) => {
            const description = `${p.label}${p.required ? " (required)" : ""}${p.secret ? " (secret: write-only)" : ""}${p.immutable ? " (locked after connect)" : ""}. ${p.description}`;
            const field =
              p.valueType === "integer" ? t.int({ description }) : p.valueType === "boolean" ? t.boolean({ description }) : t.string({ description });
            return [camelCase(p.name), field];
          }),
        ),
    });
    return { connector, input, settable };
  });
  if (members.length === 0) return undefined;

  const KeystorePropertiesInput = builder.inputType("KeystorePropertiesInput", {
    description: "The connection properties of exactly one keystore type: set the member named after the type.",
    isOneOf: true,
    fields: (t) =>
      Object.fromEntries(members.map((m) => [m.connector.inputName, t.field({ type: m.input, description: `${m.connector.definition.displayName} (${m.connector.definition.type}).` })])),
  });

  /** Turns the GraphQL input into the keystore type and values keyed by wire name. */
  function toGiven(value: Record<string, Record<string, PropertyValue | null> | null | undefined>): GivenProperties {
    const set = members.filter((m) => value[m.connector.inputName] != null);
    if (set.length !== 1) {
      throw new ValidationError([{ path: ["input", "properties"], message: "Give the properties of exactly one keystore type", code: "ONE_OF" }]);
    }
    const { connector, settable } = set[0]!;
    const fields = value[connector.inputName]!;
    const values: GivenProperties["values"] = {};
    for (const p of settable) {
      const v = fields[camelCase(p.name)];
      if (v !== undefined) values[p.name] = v;
    }
    return { type: connector.definition.type, values };
  }

  return { KeystorePropertiesInput, toGiven };
}
