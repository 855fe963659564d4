import { useGraphQlJit, type JITCache } from "@envelop/graphql-jit";
import { Kind, type DocumentNode, type ExecutionArgs, type OperationDefinitionNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Logger } from "pino";

/** Compiled documents kept by their text; the least recently used goes first. */
export const JIT_CACHE_SIZE = 500;

/**
 * Runs queries and mutations through graphql-jit: each document is compiled once into a function
 * that resolves its fields without graphql-js's per-field interpretation (the list pages resolve
 * ~1,500 fields a request). The same resolvers run — the access guard's, the errors plugin's, the
 * complexity plugin's — so what they check is unchanged; `maskError` (server.ts) masks what jit
 * builds itself (a null in a non-null field, an unresolvable type) as graphql-js's are masked.
 *
 * Not for subscriptions: their streams are opened, re-checked and ended by the stream registry
 * through graphql-js's subscribe, left as they are.
 *
 * The plugin caches a compiled document by the document (and by its text, below), not by the
 * operation chosen, so only a document of exactly one operation, named as the request names it
 * (or unnamed), is compiled: a document of several operations, or a request naming an operation
 * the document lacks, runs through graphql-js. Otherwise a request could leave a compilation of
 * the wrong operation, or of a failure, in the cache for every client sending the same text.
 */
export function jitExecution(logger: Logger): JitExecution {
  const cache = lruCache<JITCacheEntry>(JIT_CACHE_SIZE);
  const seen = lruCache<number>(SEEN_DOCUMENTS);
  let executions = 0;
  const plugin = useGraphQlJit(
    {},
    {
      enableIf: (args) => {
        if (!compilable(args) || !hot(seen, args.document)) return false;
        executions++;
        return true;
      },
      cache,
      onError: (result) => logger.warn({ errors: result.errors?.map((e) => e.message) }, "graphql-jit could not compile a document"),
    },
  ) as Plugin;
  return { plugin, compiledDocuments: () => cache.size, executions: () => executions };
}

/**
 * Only hot documents are compiled: one run HOT_AFTER times (the console's and a client's own
 * queries, sent again and again). Compiling costs far more than one interpreted run, so a client
 * sending a stream of distinct documents makes the gateway compile nothing; those run through
 * graphql-js as before. Counted by document text, at most SEEN_DOCUMENTS texts remembered.
 */
export const HOT_AFTER = 3;
export const SEEN_DOCUMENTS = 2_000;

function hot(seen: ReturnType<typeof lruCache<number>>, document: DocumentNode): boolean {
  const text = document.loc?.source.body;
  if (text === undefined) return false;
  const runs = (seen.get(text) ?? 0) + 1;
  if (runs <= HOT_AFTER) seen.set(text, runs);
  return runs > HOT_AFTER;
}

/** The plugin, and what it did (for tests and benchmarks). */
export interface JitExecution {
  plugin: Plugin;
  /** Compiled documents in the cache (at most JIT_CACHE_SIZE). */
  compiledDocuments(): number;
  /** Operations run compiled since the start. */
  executions(): number;
}

type JITCacheEntry = NonNullable<ReturnType<JITCache["get"]>>;

/** A query or mutation, the document's only operation, named as requested. */
export function compilable(args: Pick<ExecutionArgs, "document" | "operationName">): boolean {
  const operation = onlyOperation(args.document);
  if (!operation || operation.operation === "subscription") return false;
  return args.operationName == null || args.operationName === operation.name?.value;
}

function onlyOperation(document: DocumentNode): OperationDefinitionNode | undefined {
  let found: OperationDefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (found) return undefined;
    found = definition;
  }
  return found;
}

/** A Map kept in use order: a hit moves to the end, an insertion past `max` drops the first. */
export function lruCache<V>(max: number): { get(key: string): V | undefined; set(key: string, value: V): void; readonly size: number } {
  const entries = new Map<string, V>();
  return {
    get(key) {
      const value = entries.get(key);
      if (value !== undefined) {
        entries.delete(key);
        entries.set(key, value);
      }
      return value;
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, value);
      if (entries.size > max) entries.delete(entries.keys().next().value!);
    },
    get size() {
      return entries.size;
    },
  };
}
