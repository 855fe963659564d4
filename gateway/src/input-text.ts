import { wrapOrThrow } from "@pothos/plugin-errors";
import { defaultFieldResolver, getNamedType, isObjectType, isUnionType, type GraphQLField, type GraphQLSchema } from "graphql";
import { ValidationError, type FieldIssue } from "./errors.js";

/**
 * Text no database column can hold is refused where it enters, for every root field at once:
 * PostgreSQL rejects the NUL character in text, so a NUL anywhere in the arguments would fail
 * deep in a query as an unexpected error. A mutation whose result has a ValidationError member
 * answers with it (naming every such field); anything else gets a BAD_USER_INPUT error.
 */
export function refuseUnstorableText(schema: GraphQLSchema): GraphQLSchema {
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      const typed = hasValidationError(field);
      const wrap = <A extends unknown[], R>(run: (source: unknown, args: Record<string, unknown>, ...rest: A) => R) =>
        (source: unknown, args: Record<string, unknown>, ...rest: A): R => {
          const issues = nulIssues(args, []);
          if (issues.length === 0) return run(source, args, ...rest);
          const error = new ValidationError(issues);
          if (typed) return wrapOrThrow(error, [ValidationError]) as R;
          throw error;
        };
      if (root === schema.getSubscriptionType()) field.subscribe = wrap(field.subscribe!);
      else field.resolve = wrap(field.resolve ?? defaultFieldResolver);
    }
  }
  return schema;
}

function hasValidationError(field: GraphQLField<unknown, unknown>): boolean {
  const type = getNamedType(field.type);
  return isUnionType(type) && type.getTypes().some((t) => isObjectType(t) && t.name === "ValidationError");
}

/** Every string holding a NUL, by its path in the arguments. */
function nulIssues(value: unknown, path: string[]): FieldIssue[] {
  if (typeof value === "string") return value.includes("\u0000") ? [{ path, message: "Text must not contain the NUL character", code: "INVALID_CHARACTERS" }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => nulIssues(v, [...path, String(i)]));
  if (value !== null && typeof value === "object" && !(value instanceof Date)) return Object.entries(value).flatMap(([k, v]) => nulIssues(v, [...path, k]));
  return [];
}
