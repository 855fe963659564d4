import { errorTypeMap, wrapOrThrow } from "@pothos/plugin-errors";
import { defaultFieldResolver, GraphQLError, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from "graphql";
import type { Context } from "../context.js";
import { DomainError, NotFoundError } from "../errors.js";
import { MALFORMED, RULES, type Rule } from "./rules.js";

type RootType = keyof typeof RULES;
type Decision = { allow: true; vaultId?: string } | { allow: false; hidden: boolean; vaultId?: string };

/**
 * Puts every root field of the schema behind its access rule (rules.ts), and audits every
 * mutation: a "requested" event before it runs — if that cannot be written the mutation does not
 * run (fail closed) — and an event with its outcome after. Refuses a schema with a root field
 * that has no rule.
 */
export function guardSchema(schema: GraphQLSchema): GraphQLSchema {
  for (const rootName of ["Query", "Mutation", "Subscription"] as RootType[]) {
    const type = schema.getType(rootName);
    if (!type || !isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const rule = RULES[rootName][field.name];
      if (!rule) throw new Error(`${rootName}.${field.name} has no access rule: add one to gateway/src/access/rules.ts`);
      if (rootName === "Subscription") {
        const subscribe = field.subscribe!;
        const refusal = (decision: Decision & { allow: false }) => (decision.hidden ? new GraphQLError("No vault with that id", { extensions: { code: "NOT_FOUND" } }) : forbidden(rule));
        field.subscribe = async (source, args, ctx: Context, info) => {
          const decision = await decide(rule, args, ctx);
          if (!decision.allow) throw refusal(decision);
          // The stream outlives this request: the same rule is decided again for the token as it stands.
          return ctx.services.streams.open(ctx.actor, () => subscribe(source, args, ctx, info) as AsyncIterable<unknown>, async (current) => {
            const again = await decide(rule, args, { ...ctx, actor: current });
            return again.allow ? null : refusal(again);
          });
        };
      } else {
        field.resolve = rootName === "Mutation" ? auditedMutation(field.name, rule, field.resolve ?? defaultFieldResolver) : guardedQuery(rule, field.resolve ?? defaultFieldResolver);
      }
    }
  }
  return schema;
}

function guardedQuery(rule: Rule, resolve: GraphQLFieldResolver<unknown, Context>): GraphQLFieldResolver<unknown, Context> {
  return async (source, args, ctx, info) => {
    const decision = await decide(rule, args, ctx);
    if (decision.allow) return resolve(source, args, ctx, info);
    if (decision.hidden) return null; // as for an id that does not exist
    throw forbidden(rule);
  };
}

function auditedMutation(name: string, rule: Rule, resolve: GraphQLFieldResolver<unknown, Context>): GraphQLFieldResolver<unknown, Context> {
  return async (source, args, ctx, info) => {
    const decision = await decide(rule, args, ctx);
    const base = {
      actorId: ctx.actor.tokenId,
      actorName: ctx.actor.name,
      action: rule.action ?? name,
      targetType: rule.notFound?.resource ?? null,
      targetId: rule.notFound ? rule.notFound.id(args) : null,
      vaultId: decision.vaultId && decision.vaultId !== "*" && (decision.allow || !decision.hidden) ? decision.vaultId : null,
      requestId: ctx.requestId,
      sourceAddress: ctx.sourceAddress,
    };
    if (!decision.allow) {
      await ctx.services.audit.append({ ...base, outcome: "denied", reason: decision.hidden ? "NOT_FOUND" : "FORBIDDEN" });
      // Returned as the errors plugin returns a typed error, so it resolves to the result union's NotFoundError.
      if (decision.hidden && rule.notFound) return wrapOrThrow(new NotFoundError(rule.notFound.resource, rule.notFound.id(args), rule.notFound.path), [NotFoundError]);
      throw forbidden(rule);
    }
    try {
      await ctx.services.audit.append({ ...base, outcome: "requested" });
    } catch {
      throw new GraphQLError("The audit log cannot be written, so no change is made", { extensions: { code: "AUDIT_UNAVAILABLE" } });
    }
    let result: unknown;
    try {
      result = await resolve(source, args, ctx, info);
    } catch (error) {
      await ctx.services.audit.appendOrReport({ ...base, outcome: "failed", reason: error instanceof DomainError ? error.code : "UNEXPECTED" });
      throw error;
    }
    // The errors plugin hands a refused mutation's typed error back as the result, wrapped.
    const refused = typeof result === "object" && result !== null && errorTypeMap.has(result) ? (result as DomainError) : undefined;
    await ctx.services.audit.appendOrReport({ ...base, outcome: refused ? "refused" : "success", reason: refused?.code ?? null });
    return result;
  };
}

async function decide(rule: Rule, args: any, ctx: Context): Promise<Decision> {
  const actor = ctx.actor;
  if (rule.permission === "authenticated" || rule.list) return { allow: true };
  if (rule.permission === "administrator") return actor.administrator ? { allow: true } : { allow: false, hidden: false };
  const vaultId = rule.vault ? await rule.vault(args, ctx.services.db) : undefined;
  if (vaultId === MALFORMED) return { allow: true };
  if (vaultId === "*") {
    const anywhere = actor.vaultsWith(rule.permission);
    return anywhere === null || anywhere.length > 0 ? { allow: true, vaultId } : { allow: false, hidden: false };
  }
  if (vaultId === undefined || !actor.can(vaultId, "read")) return { allow: false, hidden: true, ...(vaultId ? { vaultId } : {}) };
  return actor.can(vaultId, rule.permission) ? { allow: true, vaultId } : { allow: false, hidden: false, vaultId };
}

function forbidden(rule: Rule): GraphQLError {
  return new GraphQLError(`Your roles do not allow ${rule.action ?? rule.permission} here`, { extensions: { code: "FORBIDDEN" } });
}
