import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext } from "graphql";
import type { Plugin } from "graphql-yoga";

/**
 * Limits the complexity plugin cannot see: it prices only the schema's own fields, so a nested
 * introspection query (`__schema { types { fields { type { fields … } } } }`) or thousands of
 * aliases of a cheap field would pass it. Checked during validation, before anything runs.
 */
export const SHAPE_LIMITS = {
  /** Introspection list fields nested in one path. GraphiQL's own query needs 3 (types → fields → args). */
  introspectionListNesting: 3,
  /** Aliased fields in one operation, fragments included. */
  aliases: 50,
};

const INTROSPECTION_LISTS = new Set(["types", "fields", "inputFields", "args", "interfaces", "possibleTypes", "enumValues", "directives"]);

export function queryShapeRule(context: ValidationContext): ASTVisitor {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  return {
    OperationDefinition(operation) {
      let aliases = 0;
      let deepest = 0;
      const walk = (set: SelectionSetNode, nesting: number, inIntrospection: boolean, seen: Set<string>) => {
        for (const selection of set.selections) {
          if (selection.kind === Kind.FIELD) {
            if (selection.alias) aliases++;
            const name = selection.name.value;
            const introspection = inIntrospection || name === "__schema" || name === "__type";
            const depth = nesting + (introspection && INTROSPECTION_LISTS.has(name) ? 1 : 0);
            deepest = Math.max(deepest, depth);
            if (selection.selectionSet) walk(selection.selectionSet, depth, introspection, seen);
          } else if (selection.kind === Kind.INLINE_FRAGMENT) {
            walk(selection.selectionSet, nesting, inIntrospection, seen);
          } else {
            const name = selection.name.value;
            const fragment = fragments.get(name);
            // A fragment cycle is reported by graphql's own rule; do not loop on it here.
            if (fragment && !seen.has(name)) walk(fragment.selectionSet, nesting, inIntrospection, new Set([...seen, name]));
          }
        }
      };
      walk(operation.selectionSet, 0, false, new Set());
      if (deepest > SHAPE_LIMITS.introspectionListNesting) {
        context.reportError(
          new GraphQLError(`Introspection lists may be nested ${SHAPE_LIMITS.introspectionListNesting} deep; this query nests them ${deepest} deep`, {
            nodes: [operation],
            extensions: { code: "QUERY_TOO_COMPLEX" },
          }),
        );
      }
      if (aliases > SHAPE_LIMITS.aliases) {
        context.reportError(
          new GraphQLError(`An operation may use at most ${SHAPE_LIMITS.aliases} aliases; this one uses ${aliases}`, {
            nodes: [operation],
            extensions: { code: "QUERY_TOO_COMPLEX" },
          }),
        );
      }
    },
  };
}

export function queryShapeLimits(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(queryShapeRule);
    },
  };
}
