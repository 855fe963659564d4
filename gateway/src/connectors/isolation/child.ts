import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import { ConnectorError, isConnectorError, validateProperties, type ConnectorDefinition, type ConnectorHost, type ConnectorLogger, type ConnectorSession, type PropertyDefinition } from "@uko/connector-sdk";
import { importConnector } from "./import-connector.js";
import { HOST_ARGUMENT, type ChildMessage, type DefinitionDescription, type FailureData, type HostData, type Operation, type ParentMessage, type PropertyDescriptor } from "./protocol.js";

/**
 * The child process that runs one connector package for the gateway (see docs/isolation.md).
 * It imports the package, answers calls on the IPC channel, and keeps the sessions by id. A
 * stray error is reported to the gateway and ends the process: the gateway restarts it.
 */

const specifier = process.argv[2];
if (!specifier || !process.send) {
  process.stderr.write("connector host: run by the gateway with a package name and an IPC channel\n");
  process.exit(2);
}

const send = (message: ChildMessage): void => {
  if (process.connected) process.send!(message);
};

// Whatever escapes the connector's promises and timers ends this process, after telling the
// gateway why (the gateway redacts it). Continuing would leave its state unknown.
let dying = false;
function die(reason: string, error: unknown, code = 70): never {
  if (!dying) {
    dying = true;
    const e = error instanceof Error ? error : new Error(String(error));
    send({ t: "fatal", reason, message: `${e.name}: ${e.message}`, ...(e.stack ? { stack: e.stack } : {}) });
  }
  // Let the IPC message flush before the exit.
  setImmediate(() => realExit(code));
  return undefined as never;
}
const realExit = process.exit.bind(process);
process.on("uncaughtException", (error) => die("uncaught exception", error));
process.on("unhandledRejection", (error) => die("unhandled rejection", error));
process.exit = ((code?: number) => die("the connector called process.exit", new Error(`process.exit(${code ?? ""})`), typeof code === "number" ? code : 70)) as typeof process.exit;
// The gateway went away: nothing left to serve.
process.on("disconnect", () => realExit(0));

const sessions = new Map<string, ConnectorSession>();
const aborts = new Map<number, AbortController>();

function loggerFor(id: number | undefined): ConnectorLogger {
  const at = (level: "debug" | "info" | "warn" | "error") => (message: string, fields?: Record<string, unknown>) =>
    send({ t: "log", ...(id === undefined ? {} : { id }), level, message: String(message), ...(fields ? { fields: plain(fields) as Record<string, unknown> } : {}) });
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** Log fields as data that survives the channel: errors become their name and message. */
function plain(value: unknown, depth = 0): unknown {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (depth > 8 || value === null || typeof value !== "object") return typeof value === "function" || typeof value === "symbol" ? String(value) : value;
  if (value instanceof Date || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v, depth + 1)]));
}

function hostFor(id: number, data: HostData): ConnectorHost {
  const controller = new AbortController();
  setMaxListeners(1000, controller.signal);
  aborts.set(id, controller);
  return {
    logger: loggerFor(id),
    clock: { now: () => new Date(Date.now() + data.clockOffsetMs) },
    signal: controller.signal,
    deadline: new Date(data.deadline),
    callTimeoutMs: data.callTimeoutMs,
    retry: data.retry,
  };
}

function describeProperty(p: PropertyDefinition): PropertyDescriptor {
  const { normalize, validate, ...data } = p;
  return { ...data, ...(normalize ? { hasNormalize: true } : {}), ...(validate ? { hasValidate: true } : {}) };
}

function describe(definition: ConnectorDefinition): DefinitionDescription {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(definition)) {
    if (typeof value !== "function" && key !== "properties" && key !== "templateOptions") fields[key] = value;
  }
  return {
    fields: structuredClone(fields),
    properties: Array.isArray(definition.properties) ? definition.properties.map(describeProperty) : [],
    ...(Array.isArray(definition.templateOptions) ? { templateOptions: definition.templateOptions.map(describeProperty) } : {}),
    hasDerive: typeof definition.derive === "function",
    hasConnect: typeof definition.connect === "function",
  };
}

function sessionOf(id: string): ConnectorSession {
  const session = sessions.get(id);
  // The process was restarted since the session opened (the gateway reconnects), or it was closed.
  if (!session) throw new ConnectorError("UNAVAILABLE", "The connector session was lost; try again");
  return session;
}

async function run(definition: ConnectorDefinition, id: number, call: Operation): Promise<unknown> {
  switch (call.op) {
    case "describe":
      return describe(definition);
    case "derive":
      return (await definition.derive?.(call.properties)) ?? {};
    case "validate":
      return validateProperties(definition.properties, call.given as never, call.options);
    case "connect": {
      const session = await definition.connect(call.properties, hostFor(id, call.host));
      const sessionId = randomUUID();
      sessions.set(sessionId, session);
      const methods = Object.keys(session).filter((k) => k !== "keys" && typeof (session as unknown as Record<string, unknown>)[k] === "function");
      // Methods on a class prototype count too.
      for (const name of ["test", "onConnect", "onPropertiesChanged", "repairKeystore", "close"]) {
        if (typeof (session as unknown as Record<string, unknown>)[name] === "function" && !methods.includes(name)) methods.push(name);
      }
      const keyMethods = session.keys ? allFunctionNames(session.keys) : null;
      return { sessionId, methods, keyMethods };
    }
    case "session": {
      const session = sessionOf(call.sessionId);
      const host = call.host ? hostFor(id, call.host) : undefined;
      const args = call.args.map((a) => (a === HOST_ARGUMENT ? host : a));
      if (call.method === "close") {
        sessions.delete(call.sessionId);
        if (typeof session.close !== "function") return undefined;
      }
      const [target, name] = call.method.startsWith("keys.") ? [session.keys as unknown as Record<string, unknown>, call.method.slice(5)] : [session as unknown as Record<string, unknown>, call.method];
      const fn = target?.[name];
      if (typeof fn !== "function") throw new Error(`the session has no ${call.method}`);
      return await (fn as (...a: unknown[]) => Promise<unknown>).apply(target, args);
    }
  }
}

function allFunctionNames(object: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = object; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const k of Object.getOwnPropertyNames(o)) {
      if (k !== "constructor" && typeof (object as Record<string, unknown>)[k] === "function") names.add(k);
    }
  }
  return [...names];
}

function failure(error: unknown): FailureData {
  if (isConnectorError(error)) {
    return { kind: "connector", code: error.code, message: error.message, properties: [...error.properties], retryable: error.retryable };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  return { kind: "unexpected", name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
}

const loaded = (await importConnector(specifier)) as { default?: ConnectorDefinition };
const definition = loaded.default as ConnectorDefinition;

process.on("message", (message: ParentMessage) => {
  switch (message.t) {
    case "ping":
      send({ t: "pong", n: message.n });
      return;
    case "abort":
      aborts.get(message.id)?.abort();
      return;
    case "call":
      run(definition, message.id, message.call).then(
        (value) => send({ t: "result", id: message.id, ok: true, value }),
        (error: unknown) => send({ t: "result", id: message.id, ok: false, error: failure(error) }),
      ).finally(() => aborts.delete(message.id));
  }
});
send({ t: "ready" });
