import {
  validateProperties,
  type ConnectorDefinition,
  type ConnectorHost,
  type ConnectorLogger,
  type ConnectorSession,
  type PropertyDefinition,
  type PropertyValidation,
  type PropertyValues,
} from "@uko/connector-sdk";
import { ConnectorProcess, type IsolationOptions } from "./connector-process.js";
import { HOST_ARGUMENT, type DefinitionDescription, type HostData, type PropertyDescriptor, type SessionShape } from "./protocol.js";

export interface IsolatedConnector {
  /** A definition like any other: its static fields copied, its functions calls into the child. */
  readonly definition: ConnectorDefinition;
  readonly process: ConnectorProcess;
  /** Connection property validation, in the child when a property has a normalize/validate function. */
  validateProperties(given: Readonly<Record<string, unknown>>, options: { partial?: boolean; applyDefaults?: boolean }): Promise<PropertyValidation>;
}

/**
 * Starts `specifier` in its own process and builds the gateway-side proxy of its definition.
 * Throws (with the child's redacted reason) when the package cannot be loaded.
 */
export async function loadIsolated(specifier: string, logger: ConnectorLogger, options?: IsolationOptions): Promise<IsolatedConnector> {
  const child = new ConnectorProcess(specifier, logger, options);
  try {
    await child.start();
    const description = await child.call<DefinitionDescription>({ op: "describe" });
    return proxyOf(description, child);
  } catch (error) {
    await child.close();
    throw error;
  }
}

function proxyOf(description: DefinitionDescription, child: ConnectorProcess): IsolatedConnector {
  const properties = description.properties.map(dataOnly);
  const secretNames = new Set(properties.filter((p) => p.secret).map((p) => p.name));
  const fileSecrets = new Set(properties.filter((p) => p.secret && p.valueType === "file").map((p) => p.name));
  const sendingSecrets = (values: Readonly<Record<string, unknown>>) => child.addSecrets(secretStrings(values, secretNames, fileSecrets));
  const problems = (description.templateOptions ?? []).filter((o) => o.hasNormalize || o.hasValidate).map((o) => o.name);
  if (problems.length > 0) {
    // Template options are validated where templates are, synchronously in the gateway.
    throw new Error(`template options ${problems.join(", ")} have normalize/validate functions; a connector run in its own process must describe template options with data only (pattern, minimum, maximum, enumValues)`);
  }
  if (typeof description.fields.displayName === "string") child.setDisplayName(description.fields.displayName);

  const definition = {
    ...(description.fields as unknown as ConnectorDefinition),
    properties,
    ...(description.templateOptions ? { templateOptions: description.templateOptions.map(dataOnly) } : {}),
    ...(description.hasDerive
      ? {
          derive: (values: Readonly<PropertyValues>) => {
            sendingSecrets(values);
            return child.call<PropertyValues>({ op: "derive", properties: { ...values } });
          },
        }
      : {}),
    ...(description.hasConnect
      ? {
          connect: async (values: Readonly<PropertyValues>, host: ConnectorHost) => {
            sendingSecrets(values);
            const session = new RemoteSession(child, { ...values }, sendingSecrets);
            await session.open(host);
            return session.asSession();
          },
        }
      : {}),
  } as ConnectorDefinition;

  const crossesFunctions = description.properties.some((p) => p.hasNormalize || p.hasValidate);
  return {
    definition: Object.freeze(definition),
    process: child,
    async validateProperties(given, options) {
      if (!crossesFunctions) return validateProperties(properties, given as never, options);
      sendingSecrets(given);
      return child.call<PropertyValidation>({ op: "validate", given: { ...given }, options });
    },
  };
}

/**
 * A session living in the child, addressed by id. When the child was restarted since it opened,
 * the next call opens it again there first (same properties), so callers never see the restart
 * beyond the calls that were in flight.
 */
class RemoteSession {
  private shape: SessionShape | undefined;
  private generation = 0;
  private reopening: Promise<void> | undefined;

  constructor(
    private readonly child: ConnectorProcess,
    private readonly properties: PropertyValues,
    private readonly sendingSecrets: (values: Readonly<Record<string, unknown>>) => void,
  ) {}

  async open(host: ConnectorHost): Promise<void> {
    await this.child.start();
    const generation = this.child.generation;
    this.shape = await this.child.call<SessionShape>({ op: "connect", properties: this.properties, host: hostData(host) }, { logger: host.logger, signal: host.signal });
    this.generation = generation;
  }

  asSession(): ConnectorSession {
    const shape = this.shape!;
    const session: Record<string, unknown> = {};
    for (const method of shape.methods) {
      session[method] = method === "close" ? () => this.close() : (...args: unknown[]) => this.invoke(method, args);
    }
    if (shape.keyMethods) {
      session.keys = Object.fromEntries(shape.keyMethods.map((m) => [m, (...args: unknown[]) => this.invoke(`keys.${m}`, args)]));
    }
    // The gateway closes every session it opens; a proxy without close would leak the child's.
    session.close ??= () => this.close();
    return session as unknown as ConnectorSession;
  }

  private async invoke(method: string, args: unknown[]): Promise<unknown> {
    const host = args.find(isHost);
    await this.child.start();
    if (this.child.generation !== this.generation) {
      if (!host) throw new Error(`${method} needs a host to reopen its session`);
      this.reopening ??= this.open(host).finally(() => (this.reopening = undefined));
      await this.reopening;
    }
    if (method === "onPropertiesChanged" && args[0] && typeof args[0] === "object") this.sendingSecrets(args[0] as Record<string, unknown>);
    return this.child.call(
      { op: "session", sessionId: this.shape!.sessionId, method, args: args.map((a) => (a === host ? HOST_ARGUMENT : a)), ...(host ? { host: hostData(host) } : {}) },
      host ? { logger: host.logger, signal: host.signal } : {},
    );
  }

  /** Closes it in the child (which forgets it even when the connector has no close). */
  private async close(): Promise<void> {
    // A session of a process that has since stopped is gone already.
    if (!this.shape || this.child.generation !== this.generation) return;
    await this.child.call({ op: "session", sessionId: this.shape.sessionId, method: "close", args: [] });
  }
}

function isHost(value: unknown): value is ConnectorHost {
  const v = value as Partial<ConnectorHost> | null;
  return typeof v === "object" && v !== null && v.signal instanceof AbortSignal && v.deadline instanceof Date && typeof v.logger === "object";
}

function hostData(host: ConnectorHost): HostData {
  return {
    deadline: host.deadline.getTime(),
    callTimeoutMs: host.callTimeoutMs,
    retry: host.retry,
    clockOffsetMs: host.clock.now().getTime() - Date.now(),
  };
}

function dataOnly(descriptor: PropertyDescriptor): PropertyDefinition {
  const { hasNormalize: _n, hasValidate: _v, ...data } = descriptor;
  return data;
}

/** The secret values among `values`; for a file, its decoded text and each of its lines too (a key file's private key). */
function secretStrings(values: Readonly<Record<string, unknown>>, secret: ReadonlySet<string>, files: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (!secret.has(name) || typeof value !== "string") continue;
    out.push(value);
    if (files.has(name)) {
      const text = Buffer.from(value, "base64").toString("utf8");
      out.push(text, ...text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length >= 16));
    }
  }
  return out;
}
