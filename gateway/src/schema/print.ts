import { printSchema } from "graphql";
import { BUILT_IN_CONNECTORS } from "../config.js";
import { loadConnectors } from "../connectors/registry.js";
import { buildSchema } from "./index.js";

/** The SDL of the schema with the built-in connectors, as committed in gateway/schema.graphql. */
export async function printDefaultSchema(): Promise<string> {
  return printSchema(buildSchema(await loadConnectors(BUILT_IN_CONNECTORS))) + "\n";
}
