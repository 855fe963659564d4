import type { ConnectorErrorCode, PropertyDefinition, PropertyValidation, PropertyValues, RetryPolicy } from "@uko/connector-sdk";

/**
 * The typed message channel between the gateway and a connector's child process (Node's IPC
 * channel with the structured-clone serialisation, so Uint8Array and Date cross as they are).
 * The child holds the connector's code and its sessions; the gateway holds a proxy.
 */

/** A property descriptor as it crosses: data only, with marks where the child holds a function. */
export type PropertyDescriptor = Omit<PropertyDefinition, "normalize" | "validate"> & {
  readonly hasNormalize?: boolean;
  readonly hasValidate?: boolean;
};

/** The static part of a definition, copied once at load and validated in the gateway. */
export interface DefinitionDescription {
  readonly fields: Record<string, unknown>;
  readonly properties: readonly PropertyDescriptor[];
  readonly templateOptions?: readonly PropertyDescriptor[];
  readonly hasDerive: boolean;
  readonly hasConnect: boolean;
}

/** What the gateway's host gives one call, rebuilt in the child (the signal is forwarded as `abort`). */
export interface HostData {
  readonly deadline: number;
  readonly callTimeoutMs: number;
  readonly retry: RetryPolicy;
  /** The gateway clock's offset from the child's real clock, so a test clock carries over. */
  readonly clockOffsetMs: number;
}

/** What a session implements, so the proxy offers exactly the same optional methods. */
export interface SessionShape {
  readonly sessionId: string;
  readonly methods: readonly string[];
  readonly keyMethods: readonly string[] | null;
}

export type Operation =
  | { readonly op: "describe" }
  | { readonly op: "connect"; readonly properties: PropertyValues; readonly host: HostData }
  | { readonly op: "derive"; readonly properties: PropertyValues }
  | { readonly op: "validate"; readonly given: Record<string, unknown>; readonly options: { partial?: boolean; applyDefaults?: boolean } }
  /** `method` is `test`, `onConnect`, `onPropertiesChanged`, `repairKeystore`, `close` or `keys.<name>`; HOST_ARGUMENT marks where the host goes. */
  | { readonly op: "session"; readonly sessionId: string; readonly method: string; readonly args: readonly unknown[]; readonly host?: HostData };

export type ParentMessage =
  | { readonly t: "call"; readonly id: number; readonly call: Operation }
  | { readonly t: "abort"; readonly id: number }
  | { readonly t: "ping"; readonly n: number };

export type FailureData =
  | { readonly kind: "connector"; readonly code: ConnectorErrorCode; readonly message: string; readonly properties: readonly string[]; readonly retryable: boolean }
  | { readonly kind: "unexpected"; readonly name: string; readonly message: string; readonly stack?: string };

export type ChildMessage =
  | { readonly t: "ready" }
  | { readonly t: "result"; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly t: "result"; readonly id: number; readonly ok: false; readonly error: FailureData }
  | { readonly t: "log"; readonly id?: number; readonly level: "debug" | "info" | "warn" | "error"; readonly message: string; readonly fields?: Record<string, unknown> }
  | { readonly t: "pong"; readonly n: number }
  /** Sent just before the child exits on a stray error or `process.exit`. */
  | { readonly t: "fatal"; readonly reason: string; readonly message: string; readonly stack?: string };

export type ValidationResult = PropertyValidation;

/** Stands in an argument list for the call's host, which the child rebuilds (it is functions and a signal). */
export const HOST_ARGUMENT = "\u0000uko:host";
