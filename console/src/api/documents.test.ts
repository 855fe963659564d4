import { readFileSync } from "node:fs";
import { buildSchema, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import * as documents from "./documents.ts";
import * as accessDocuments from "./access-documents.ts";

/** Every document the console sends is valid against the gateway's printed schema. */
const schema = buildSchema(readFileSync(new URL("../../../gateway/schema.graphql", import.meta.url), "utf8"));

const all: [string, string][] = [
  ...Object.entries({ ...documents, ...accessDocuments } as Record<string, unknown>).flatMap(([name, d]): [string, string][] => (typeof d === "string" ? [[name, d]] : [])),
  ...(["activate", "deactivate", "rotate", "destroy", "delete", "sync"] as const).map((a): [string, string] => [`keyAction(${a})`, documents.keyAction(a)]),
  ...(["archive", "unarchive", "delete"] as const).map((a): [string, string] => [`templateAction(${a})`, documents.templateAction(a)]),
];

describe("GraphQL documents", () => {
  it.each(all)("%s is valid against gateway/schema.graphql", (_name, document) => {
    expect(validate(schema, parse(document)).map((e) => e.message)).toEqual([]);
  });
});
