import { randomUUID } from "node:crypto";
import {
  isConnectorError,
  validateProperties,
  type ConnectorDefinition,
  type ConnectorErrorCode,
  type ConnectorSession,
  type InstallKeyRequest,
  type KeyMaterial,
  type KeyOperations,
  type KeySpec,
  type ManagedCopyRef,
  type PropertyValues,
  type RemoteKey,
} from "@uko/connector-sdk";
import { expect, it } from "vitest";
import { materialFor } from "../materials.js";
import { createTestHost, type TestHost } from "../test-host.js";
import type { ConnectorSuiteOptions, ConnectorTarget, LiveCheck } from "../types.js";

export interface Installed {
  readonly key: RemoteKey;
  readonly request: InstallKeyRequest;
}

/**
 * What the live checks share: the target and its session, hosts that record every log line, the
 * errors seen, and every key installed (scheduled for deletion at the end).
 */
export class LiveContext {
  target!: ConnectorTarget;
  session!: ConnectorSession;
  readonly hosts: TestHost[] = [];
  /** Every error message (and property list) a connector call ended with. */
  readonly errors: string[] = [];
  /** Everything else the connector returned as text for a person (check messages), and what it printed to the console. */
  readonly texts: string[] = [];
  private restoreConsole?: () => void;
  /** Secret values the connector was given: none may reach a log line or an error. */
  readonly canaries = new Set<string>();
  readonly installed: Installed[] = [];
  readonly definition: ConnectorDefinition;
  readonly acceptance: boolean;
  readonly templateOptions: PropertyValues;

  constructor(readonly options: ConnectorSuiteOptions) {
    this.definition = options.connector;
    this.acceptance = options.acceptance ?? process.env[`UKO_ACC_${options.connector.type.toUpperCase()}`] === "1";
    this.templateOptions = options.templateOptions ?? validateProperties(this.definition.templateOptions ?? [], {}, { applyDefaults: true }).values;
  }

  get keys(): KeyOperations {
    const keys = this.session.keys;
    if (!keys) throw new Error(`the ${this.definition.type} session has no key operations`);
    return keys;
  }

  /** Registers a test, or a skipped one naming the reason the suite's options give. */
  check(name: LiveCheck, title: string, body: (skip: (why: string) => never) => Promise<void>, timeoutMs = 60_000): void {
    const reason = this.options.skip?.[name];
    if (reason !== undefined) it.skip(`${title} (skipped: ${reason})`, () => {});
    else it(title, (context) => body((why) => context.skip(why) as never), timeoutMs);
  }

  /** Remembers the secret values of `properties` as canaries. */
  watch(properties: PropertyValues): PropertyValues {
    for (const p of this.definition.properties) {
      const value = properties[p.name];
      if (p.secret && typeof value === "string" && value.length >= 4) this.canaries.add(value);
    }
    return properties;
  }

  host(timeoutMs = this.options.operationTimeoutMs ?? 15_000): TestHost {
    const host = createTestHost({ secrets: [...this.canaries], timeoutMs });
    this.hosts.push(host);
    return host;
  }

  /** Connects with `properties`, runs `use`, closes the session whatever happens. */
  async withSession<T>(properties: PropertyValues, use: (session: ConnectorSession) => Promise<T>, host = this.host()): Promise<T> {
    const session = await this.definition.connect(this.watch(properties), host);
    try {
      return await use(session);
    } finally {
      await session.close?.();
    }
  }

  /** Awaits a call that must fail with a ConnectorError (of `code`, when given), and records its text. */
  async failure(promise: Promise<unknown>, code?: ConnectorErrorCode | readonly ConnectorErrorCode[]) {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, "the call succeeded; it should have failed").toBeDefined();
    this.errors.push(`${(error as Error)?.name}: ${(error as Error)?.message} ${JSON.stringify((error as { properties?: unknown })?.properties ?? [])}`);
    expect(isConnectorError(error), `a connector lets only ConnectorError escape, not ${String(error)}`).toBe(true);
    const failed = error as { code: ConnectorErrorCode; message: string; properties: readonly string[]; retryable: boolean };
    if (code !== undefined) expect(Array.isArray(code) ? code : [code]).toContain(failed.code);
    return failed;
  }

  keyName(what: string): string {
    const name = this.options.keyName ? this.options.keyName(what) : `uko-kit-${what}-${randomUUID().slice(0, 8)}`.toLowerCase();
    const naming = this.definition.keyNaming;
    if (naming && !new RegExp(`^(?:${naming.pattern})$`, "u").test(name)) {
      throw new Error(`the kit's key name "${name}" does not fit ${this.definition.type}'s keyNaming (${naming.patternMessage}): pass keyName in the suite's options`);
    }
    return name;
  }

  /** A copy reference no other test uses. */
  copy(version = 1): ManagedCopyRef {
    return { managedKeyId: randomUUID(), vaultId: randomUUID(), version };
  }

  request(spec: KeySpec, what: string, copy = this.copy(), material: KeyMaterial = materialFor(spec)): InstallKeyRequest {
    return { name: this.keyName(what), description: `connector testkit: ${what}`, material, copy, options: this.templateOptions };
  }

  async install(request: InstallKeyRequest): Promise<RemoteKey> {
    const key = await this.keys.installKey(request, this.host());
    this.installed.push({ key, request });
    return key;
  }

  /** The spec the lifecycle checks use: the first declared AES kind, else the first declared kind. */
  lifecycleSpec(): KeySpec {
    const algorithms = this.definition.capabilities.algorithms;
    const chosen = algorithms.find((a) => a.algorithm === "aes") ?? algorithms.find((a) => a.algorithm === "hmac") ?? algorithms[0];
    if (!chosen) throw new Error(`${this.definition.type} declares no key algorithms`);
    return { algorithm: chosen.algorithm, size: chosen.sizes[0]! };
  }

  async proves(key: RemoteKey, material: KeyMaterial): Promise<boolean> {
    const prove = this.options.proveMaterial;
    if (!prove) throw new Error("the live suite needs proveMaterial(session, remoteKey, material) to prove what a key holds");
    return prove(this.session, key, material, this.target);
  }

  /**
   * Records what anything in this process prints through `console` while the live suite runs (a
   * connector must log through host.logger; whatever it prints is scanned for secrets too).
   */
  captureConsole(): void {
    const methods = ["log", "info", "warn", "error", "debug"] as const;
    const originals = methods.map((m) => console[m]);
    for (const m of methods) {
      const original = console[m];
      console[m] = (...args: unknown[]) => {
        this.texts.push(args.map((a) => (a instanceof Error ? `${a.name}: ${a.message} ${a.stack ?? ""}` : typeof a === "string" ? a : safeString(a))).join(" "));
        original.apply(console, args);
      };
    }
    this.restoreConsole = () => methods.forEach((m, i) => (console[m] = originals[i]!));
  }

  /** Schedules every key the suite installed for deletion (best effort) and closes what it opened. */
  async cleanUp(): Promise<void> {
    if (this.session?.keys) {
      for (const { key } of this.installed) {
        await this.keys.scheduleKeyDeletion(key.keyId, this.templateOptions, this.host()).catch(() => undefined);
      }
    }
    await this.session?.close?.();
    await this.target?.close?.();
    this.restoreConsole?.();
  }
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
