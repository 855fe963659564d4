import { printSchema } from "graphql";
import { BUILT_IN_CONNECTORS } from "../config.js";
import { loadConnectors } from "../connectors/registry.js";
import { buildSchema } from "./index.js";

/**
 * The SDL of the schema with the built-in connectors, as committed in gateway/schema.graphql.
 * Loaded isolated, as the gateway runs them: the schema is built from the definitions' copies.
 */
export async function printDefaultSchema(): Promise<string> {
  const report = (message: string, fields?: Record<string, unknown>) => console.error(message, fields ?? "");
  const registry = await loadConnectors(BUILT_IN_CONNECTORS, { logger: { debug() {}, info() {}, warn: report, error: report } });
  try {
    return printSchema(buildSchema(registry)) + "\n";
  } finally {
    await registry.close();
  }
}
