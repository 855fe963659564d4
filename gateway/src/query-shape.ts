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
  /**
   * Fields one operation selects, each fragment counted as often as it is spread: a cost that
   * holds whatever the variables are, so a document of fragments that each spread the next twice
   * (2^n fields in a few hundred bytes) is refused here. The complexity plugin prices list sizes
   * from the variables at execution; this bounds the document itself. GraphiQL's introspection
   * query selects about 300.
   */
  fields: 2000,
  /** Fragments spread inside fragments, one inside the next. */
  fragmentNesting: 50,
};

const INTROSPECTION_LISTS = new Set(["types", "fields", "inputFields", "args", "interfaces", "possibleTypes", "enumValues", "directives"]);

/** What a selection set adds up to, its fragments expanded. */
interface Shape {
  aliases: number;
  fields: number;
  /** The deepest nesting of introspection lists below it. */
  nesting: number;
}

/**
 * Linear in the document: each fragment's shape is computed once (per whether it is used inside
 * introspection, which changes what its lists count) and reused at every spread, instead of
 * walking the fragment again at each one, which took exponential time for fragments that spread
 * fragments.
 */
export function queryShapeRule(context: ValidationContext): ASTVisitor {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const shapes = new Map<string, Shape>();
  const inProgress = new Set<string>();
  // Bounds the recursion too: thousands of fragments each spreading the next would overflow the stack.
  let deepestFragments = 0;

  const fragmentShape = (name: string, inIntrospection: boolean): Shape => {
    const key = `${inIntrospection ? "i" : "q"}:${name}`;
    const known = shapes.get(key);
    if (known) return known;
    const fragment = fragments.get(name);
    // A cycle or an unknown fragment is reported by graphql's own rules; it adds nothing here.
    if (!fragment || inProgress.has(key)) return { aliases: 0, fields: 0, nesting: 0 };
    if (inProgress.size >= SHAPE_LIMITS.fragmentNesting) {
      deepestFragments = inProgress.size + 1;
      return { aliases: 0, fields: 0, nesting: 0 };
    }
    inProgress.add(key);
    const shape = shapeOf(fragment.selectionSet, inIntrospection);
    inProgress.delete(key);
    shapes.set(key, shape);
    return shape;
  };

  const shapeOf = (set: SelectionSetNode, inIntrospection: boolean): Shape => {
    const total: Shape = { aliases: 0, fields: 0, nesting: 0 };
    const add = (part: Shape, extraNesting = 0) => {
      total.aliases += part.aliases;
      total.fields += part.fields;
      total.nesting = Math.max(total.nesting, part.nesting + extraNesting);
    };
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const introspection = inIntrospection || name === "__schema" || name === "__type";
        const list = introspection && INTROSPECTION_LISTS.has(name) ? 1 : 0;
        add({ aliases: selection.alias ? 1 : 0, fields: 1, nesting: list });
        if (selection.selectionSet) add(shapeOf(selection.selectionSet, introspection), list);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        add(shapeOf(selection.selectionSet, inIntrospection));
      } else {
        add(fragmentShape(selection.name.value, inIntrospection));
      }
    }
    return total;
  };

  return {
    OperationDefinition(operation) {
      const shape = shapeOf(operation.selectionSet, false);
      const refuse = (message: string) => context.reportError(new GraphQLError(message, { nodes: [operation], extensions: { code: "QUERY_TOO_COMPLEX" } }));
      if (deepestFragments > 0) {
        return refuse(`Fragments may be spread inside one another at most ${SHAPE_LIMITS.fragmentNesting} deep; this query goes deeper`);
      }
      if (shape.nesting > SHAPE_LIMITS.introspectionListNesting) {
        refuse(`Introspection lists may be nested ${SHAPE_LIMITS.introspectionListNesting} deep; this query nests them ${shape.nesting} deep`);
      }
      if (shape.aliases > SHAPE_LIMITS.aliases) refuse(`An operation may use at most ${SHAPE_LIMITS.aliases} aliases; this one uses ${count(shape.aliases)}`);
      if (shape.fields > SHAPE_LIMITS.fields) refuse(`An operation may select at most ${SHAPE_LIMITS.fields} fields, counting each fragment as often as it is spread; this one selects ${count(shape.fields)}`);
    },
  };
}

/** Counts from fragments that multiply can exceed what a double holds exactly. */
function count(n: number): string {
  return n > Number.MAX_SAFE_INTEGER ? `more than ${Number.MAX_SAFE_INTEGER}` : String(n);
}

export function queryShapeLimits(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(queryShapeRule);
    },
  };
}
