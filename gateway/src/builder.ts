import SchemaBuilder from "@pothos/core";
import ComplexityPlugin from "@pothos/plugin-complexity";
import ErrorsPlugin from "@pothos/plugin-errors";
import type { Context } from "./context.js";

export interface SchemaTypes {
  Context: Context;
  Scalars: { DateTime: { Input: Date; Output: Date } };
  DefaultFieldNullability: false;
}

/** Limits every query must stay under; a request beyond them gets a clear error, not a slow answer. */
export const QUERY_LIMITS = { depth: 10, breadth: 200, complexity: 50_000 };

/**
 * A new builder per schema: the schema depends on which connectors are loaded, so it is built at
 * start (and in tests, once per connector set), never as a module singleton.
 */
export function createBuilder() {
  return new SchemaBuilder<SchemaTypes>({
    plugins: [ErrorsPlugin, ComplexityPlugin],
    defaultFieldNullability: false,
    errors: { defaultTypes: [] },
    complexity: { defaultComplexity: 1, defaultListMultiplier: 10, limit: QUERY_LIMITS },
  });
}

export type Builder = ReturnType<typeof createBuilder>;
export type Types = PothosSchemaTypes.ExtendDefaultTypes<SchemaTypes>;
