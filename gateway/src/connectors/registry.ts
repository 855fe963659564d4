import { connectorGraphqlNames, validateConnectorDefinition, validateProperties, type ConnectorDefinition, type ConnectorLogger, type PropertyValidation } from "@uko/connector-sdk";
import { DEFAULT_ISOLATION, type IsolationOptions } from "./isolation/connector-process.js";
import { importConnector } from "./isolation/import-connector.js";
import { loadIsolated } from "./isolation/isolated-connector.js";

/** A connector the gateway loaded and accepted, with the names it takes in the GraphQL schema. */
export interface LoadedConnector {
  readonly packageName: string;
  readonly definition: ConnectorDefinition;
  /** Member of the `@oneOf` properties input, e.g. `awsKms`. */
  readonly inputName: string;
  /** Prefix of the per-type GraphQL types, e.g. `AwsKms` -> `AwsKmsKeystore`. */
  readonly typeName: string;
  /** Whether it runs in its own process (see docs/isolation.md). */
  readonly isolated: boolean;
  /**
   * The SDK's `validateProperties` on the connection properties, run where the connector's code
   * is: a property's `normalize`/`validate` functions stay in an isolated connector's process.
   */
  validateProperties(given: Readonly<Record<string, unknown>>, options: { partial?: boolean; applyDefaults?: boolean }): Promise<PropertyValidation>;
  /** The connector process's id (it changes when the process is restarted); absent in-process. */
  readonly pid?: number;
  /** Stops the connector's process, if it has one. */
  close(): Promise<void>;
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

  /** Stops every connector process. */
  async close(): Promise<void> {
    await Promise.all(this.all().map((c) => c.close()));
  }
}

export class ConnectorLoadError extends Error {}

const IMPORT_TIMEOUT_MS = 10_000;

/** Wraps an accepted definition, running in the gateway's own process, with its schema names. */
export function register(packageName: string, definition: ConnectorDefinition): LoadedConnector {
  return {
    ...names(packageName, definition),
    isolated: false,
    validateProperties: async (given, options) => validateProperties(definition.properties, given as never, options),
    close: async () => {},
  };
}

function names(packageName: string, definition: ConnectorDefinition) {
  const graphql = connectorGraphqlNames(definition.type);
  return { packageName, definition, inputName: graphql.inputField, typeName: graphql.typePrefix };
}

export interface LoadOptions {
  /** Run each package in its own process (the default); false imports it into the gateway, for debugging. */
  isolation?: boolean;
  /** Receives what isolated connectors log or print, redacted; required for isolation. */
  logger?: ConnectorLogger;
  isolationOptions?: Partial<IsolationOptions>;
}

/**
 * Loads each package (a package name, or a path to a package directory: see importConnector) and
 * accepts its default export only if it passes the contract checks, which run in the gateway
 * whether the connector runs in its own process or not. Any problem stops the start with a
 * message naming the package and what is wrong.
 */
export async function loadConnectors(packageNames: readonly string[], options: LoadOptions = {}): Promise<ConnectorRegistry> {
  const loaded: LoadedConnector[] = [];
  try {
    for (const name of packageNames) loaded.push(await loadConnector(name, options));
    return new ConnectorRegistry(loaded);
  } catch (error) {
    await Promise.all(loaded.map((c) => c.close()));
    throw error;
  }
}

export async function loadConnector(name: string, options: LoadOptions = {}): Promise<LoadedConnector> {
  if (options.isolation === false) {
    let module: { default?: unknown };
    try {
      module = await withTimeout(importConnector(name), IMPORT_TIMEOUT_MS, `importing ${name} took over ${IMPORT_TIMEOUT_MS / 1000}s`);
    } catch (error) {
      throw new ConnectorLoadError(`Cannot load connector package "${name}": ${(error as Error).message}`);
    }
    return accept(name, module.default, () => register(name, module.default as ConnectorDefinition));
  }
  if (!options.logger) throw new Error("loading isolated connectors needs a logger for their output");
  let isolated;
  try {
    isolated = await loadIsolated(name, options.logger, { ...DEFAULT_ISOLATION, startTimeoutMs: IMPORT_TIMEOUT_MS, ...options.isolationOptions });
  } catch (error) {
    throw new ConnectorLoadError(`Cannot load connector package "${name}": ${(error as Error).message}`);
  }
  const child = isolated.process;
  try {
    return accept(name, isolated.definition, () => ({
      ...names(name, isolated.definition),
      isolated: true,
      get pid() {
        return child.pid;
      },
      validateProperties: isolated.validateProperties,
      close: () => child.close(),
    }));
  } catch (error) {
    await child.close();
    throw error;
  }
}

function accept(name: string, candidate: unknown, wrap: () => LoadedConnector): LoadedConnector {
  const problems = validateConnectorDefinition(candidate);
  if (problems.length > 0) throw new ConnectorLoadError(`Connector package "${name}" was refused:\n  ${problems.join("\n  ")}`);
  return wrap();
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
