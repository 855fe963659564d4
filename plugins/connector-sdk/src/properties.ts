/**
 * Connection property descriptors. A connector declares each property once; the gateway derives
 * from it the GraphQL input and output fields, validation, sealing of secrets, the lock on
 * immutable properties, and what a console needs to render a form for a type it has never seen.
 */
export type PropertyValueType = "string" | "integer" | "boolean" | "enum" | "file";

export interface PropertyDefinition {
  /** Wire name, snake_case as in UKO v4 (e.g. `aws_secret_access_key`). GraphQL shows it camelCased. */
  readonly name: string;
  readonly label: string;
  readonly description: string;
  readonly valueType: PropertyValueType;
  /** Must be given when connecting. */
  readonly required: boolean;
  /** Write-only: sealed at rest, never returned, redacted from logs and errors. */
  readonly secret: boolean;
  /** Locked once the keystore is connected; the gateway refuses changes centrally. */
  readonly immutable: boolean;
  /** Computed by the connector from other properties (`derive`); read-only for users. */
  readonly derived: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  /** An ECMAScript regular expression source the whole value must match. */
  readonly pattern?: string;
  /** A sentence shown when `pattern` does not match; says what is allowed, in a person's words. */
  readonly patternMessage?: string;
  readonly enumValues?: readonly string[];
  readonly default?: string | number | boolean;
  /** For `file` values: accepted file name suffixes, e.g. [".json"]. The value is the file's base64. */
  readonly accept?: readonly string[];
  /** For `file` values: the largest decoded file size in bytes. */
  readonly maxBytes?: number;
  /** For `integer` values. */
  readonly minimum?: number;
  readonly maximum?: number;
  /**
   * Turns an accepted spelling into the stored one before validation (e.g. UKO's `us_east_1`
   * into AWS's `us-east-1`). Must be pure.
   */
  readonly normalize?: (value: PropertyValue) => PropertyValue;
  /** Extra rule; returns a message for a person, or undefined when the value is fine. */
  readonly validate?: (value: PropertyValue, all: Readonly<PropertyValues>) => string | undefined;
}

export type PropertyValue = string | number | boolean;
export type PropertyValues = Record<string, PropertyValue>;

type Flags = Partial<Pick<PropertyDefinition, "required" | "secret" | "immutable" | "derived">>;
type Common = Pick<PropertyDefinition, "label" | "description"> &
  Flags &
  Pick<PropertyDefinition, "normalize" | "validate">;

function finish(name: string, valueType: PropertyValueType, spec: Common & Partial<PropertyDefinition>): PropertyDefinition {
  return {
    ...spec,
    name,
    valueType,
    required: spec.required ?? false,
    secret: spec.secret ?? false,
    immutable: spec.immutable ?? false,
    derived: spec.derived ?? false,
  };
}

/** Builders for property descriptors; flags default to false. */
export const property = {
  string(
    name: string,
    spec: Common & Pick<PropertyDefinition, "minLength" | "maxLength" | "pattern" | "patternMessage"> & { default?: string },
  ): PropertyDefinition {
    return finish(name, "string", spec);
  },
  integer(name: string, spec: Common & Pick<PropertyDefinition, "minimum" | "maximum"> & { default?: number }): PropertyDefinition {
    return finish(name, "integer", spec);
  },
  boolean(name: string, spec: Common & { default?: boolean }): PropertyDefinition {
    return finish(name, "boolean", spec);
  },
  enumeration(name: string, spec: Common & { enumValues: readonly string[]; default?: string }): PropertyDefinition {
    return finish(name, "enum", spec);
  },
  file(name: string, spec: Common & { accept: readonly string[]; maxBytes: number }): PropertyDefinition {
    return finish(name, "file", spec);
  },
};

/** `aws_secret_access_key` -> `awsSecretAccessKey`: the GraphQL spelling of a wire name. */
export function camelCase(wireName: string): string {
  return wireName.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
