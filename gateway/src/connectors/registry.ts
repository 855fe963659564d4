import { connectorGraphqlNames, validateConnectorDefinition, type ConnectorDefinition } from "@uko/connector-sdk";
import { importConnector } from "./import-connector.js";

/** A connector the gateway loaded and accepted, with the names it takes in the GraphQL schema. */
export interface LoadedConnector {
  readonly packageName: string;
  readonly definition: ConnectorDefinition;
  /** Member of the `@oneOf` properties input, e.g. `awsKms`. */
  readonly inputName: string;
  /** Prefix of the per-type GraphQL types, e.g. `AwsKms` -> `AwsKmsKeystore`. */
  readonly typeName: string;
}

export class ConnectorRegistry {
  private readonly byType = new Map<string, LoadedConnector>();

  constructor(connectors: readonly LoadedConnector[]) {
    for (const c of connectors) {
      if (this.byType.has(c.definition.type)) {
        throw new ConnectorLoadError(`${c.packageName}: keystore type "${c.definition.type}" is already provided by ${this.byType.get(c.definition.type)!.packageName}`);
      }
      // Two type ids can camel-case to one GraphQL name (`a_1b`, `a1b`).
      const clash = [...this.byType.values()].find((other) => other.typeName === c.typeName);
      if (clash) throw new ConnectorLoadError(`${c.packageName}: keystore type "${c.definition.type}" takes the GraphQL names of "${clash.definition.type}" (${clash.packageName})`);
      this.byType.set(c.definition.type, c);
    }
  }

  get(type: string): LoadedConnector | undefined {
    return this.byType.get(type);
  }

  all(): LoadedConnector[] {
    return [...this.byType.values()];
  }
}

export class ConnectorLoadError extends Error {}

const IMPORT_TIMEOUT_MS = 10_000;

/** Wraps an accepted definition with its schema names. */
export function register(packageName: string, definition: ConnectorDefinition): LoadedConnector {
  const names = connectorGraphqlNames(definition.type);
  return { packageName, definition, inputName: names.inputField, typeName: names.typePrefix };
}

/**
 * Imports each package (by name or path, see importConnector) and accepts its default export only if it passes the contract
 * checks. Any problem stops the start with a message naming the package and what is wrong.
 */
export async function loadConnectors(packageNames: readonly string[]): Promise<ConnectorRegistry> {
  const loaded: LoadedConnector[] = [];
  for (const name of packageNames) {
    let module: { default?: unknown };
    try {
      module = await withTimeout(importConnector(name), IMPORT_TIMEOUT_MS, `importing ${name} took over ${IMPORT_TIMEOUT_MS / 1000}s`);
    } catch (error) {
      throw new ConnectorLoadError(`Cannot load connector package "${name}": ${(error as Error).message}`);
    }
    const problems = validateConnectorDefinition(module.default);
    if (problems.length > 0) {
      throw new ConnectorLoadError(`Connector package "${name}" was refused:\n  ${problems.join("\n  ")}`);
    }
    loaded.push(register(name, module.default as ConnectorDefinition));
  }
  return new ConnectorRegistry(loaded);
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}
