import { ConnectorError, OPTIONAL_OPERATION_METHODS, type ConnectorHost, type ConnectorSession, type PropertyValues } from "@uko/connector-sdk";
import type { LoadedConnector } from "./registry.js";

/**
 * Opens a session and checks it against its definition: a session that lacks an optional key
 * operation its type declares is closed and refused, naming what is missing, before the gateway
 * relies on the declaration (a template that rotates, a sync that verifies material).
 */
export async function openSession(connector: LoadedConnector, properties: PropertyValues, host: ConnectorHost): Promise<ConnectorSession> {
  const session = await connector.definition.connect(properties, host);
  const missing = missingOperations(connector, session);
  if (missing.length > 0) {
    await session.close?.().catch((error: unknown) => host.logger.warn("connector session close failed", { error }));
    throw new ConnectorError(
      "UNSUPPORTED",
      `The ${connector.definition.type} connector (${connector.packageName}) declares operations its session does not implement: ${missing.join(", ")}`,
    );
  }
  return session;
}

/** Each declared optional operation the session lacks, as "rotate (keys.rotateKey)" or "repair (repairKeystore)". */
export function missingOperations(connector: LoadedConnector, session: ConnectorSession): string[] {
  const capabilities = connector.definition.capabilities;
  const missing = capabilities.operations
    .filter((op) => typeof session.keys?.[OPTIONAL_OPERATION_METHODS[op]] !== "function")
    .map((op) => `${op} (keys.${OPTIONAL_OPERATION_METHODS[op]})`);
  if (capabilities.repair && typeof session.repairKeystore !== "function") missing.push("repair (repairKeystore)");
  return missing;
}
