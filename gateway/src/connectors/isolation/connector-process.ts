import { fork, type ChildProcess } from "node:child_process";
import { ConnectorError, redactString, type ConnectorLogger } from "@uko/connector-sdk";
import { childEntry } from "./child-entry.js";
import { OutputRedactor } from "./output-redactor.js";
import type { ChildMessage, FailureData, Operation, ParentMessage } from "./protocol.js";

export interface IsolationOptions {
  /** The child's V8 heap limit (--max-old-space-size). */
  memoryLimitMb: number;
  /** How often the gateway pings the child, and how long it may stay silent before it is killed. */
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  /** First restart delay after a crash; doubles per crash in a row, up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  /** Longest the child may take to import the package and say it is ready. */
  startTimeoutMs: number;
}

export const DEFAULT_ISOLATION: IsolationOptions = {
  memoryLimitMb: 512,
  heartbeatIntervalMs: 1_000,
  heartbeatTimeoutMs: 5_000,
  backoffMs: 250,
  maxBackoffMs: 30_000,
  startTimeoutMs: 10_000,
};

/** Environment variables a connector's process may see: none of the gateway's own settings or secrets. */
const PASSED_ENV = ["PATH", "HOME", "TZ", "LANG", "LC_ALL", "NODE_EXTRA_CA_CERTS", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "no_proxy", "SYSTEMROOT"];


/** The variables above, and those an operator names in UKO_CONNECTOR_ENV (comma-separated), e.g. a test keystore's settings. */
function passedEnvironment(): string[] {
  const named = (process.env.UKO_CONNECTOR_ENV ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return [...PASSED_ENV, ...named];
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  logger: ConnectorLogger;
  cleanup(): void;
}

interface Call {
  /** Where the child's log lines for this call go (the call's redacting logger). */
  logger?: ConnectorLogger;
  signal?: AbortSignal;
}

/**
 * One connector package running in its own child process. Calls are messages; a child that
 * crashes, exits, runs out of memory or stops answering pings is killed and started again after
 * a backoff, and the calls it had fail with UNAVAILABLE. Everything it prints or reports is
 * redacted with every secret value the gateway has handed to it.
 */
export class ConnectorProcess {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private generationCount = 0;
  private crashesInARow = 0;
  private notBefore = 0;
  private closed = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly secrets = new Set<string>();
  private needles: string[] = [];
  /** Set by whoever ends a child, so its exit is explained in the user's terms. */
  private exitReason: string | undefined;
  private fatal: string | undefined;
  private displayName: string;

  constructor(
    readonly specifier: string,
    private readonly logger: ConnectorLogger,
    private readonly options: IsolationOptions = DEFAULT_ISOLATION,
  ) {
    this.displayName = specifier;
  }

  /** Increases each time a child starts; sessions opened in an older one are gone. */
  get generation(): number {
    return this.generationCount;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  setDisplayName(name: string): void {
    this.displayName = name;
  }

  /** Remembers secret values sent to the child, so its output and errors can be scrubbed of them. */
  addSecrets(values: Iterable<string>): void {
    let added = false;
    for (const value of values) {
      if (value.length < 4 || this.secrets.has(value)) continue;
      this.secrets.add(value);
      added = true;
    }
    if (added) this.needles = [...this.secrets].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    return redactString(text, this.needles);
  }

  /** Starts the child (if it is not running) and waits until it has loaded the package. */
  start(): Promise<void> {
    if (this.closed) return Promise.reject(this.unavailable("the gateway is stopping"));
    this.ready ??= this.afterBackoff().then(() => {
      if (this.closed) throw this.unavailable("the gateway is stopping");
      return this.spawn();
    });
    return this.ready;
  }

  async call<T>(operation: Operation, call: Call = {}): Promise<T> {
    await this.start();
    const child = this.child!;
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => this.send(child, { t: "abort", id });
      call.signal?.addEventListener("abort", onAbort, { once: true });
      this.pending.set(id, {
        resolve: resolve as (value: unknown) => void,
        reject,
        logger: call.logger ?? this.logger,
        cleanup: () => {
          call.signal?.removeEventListener("abort", onAbort);
          if (this.pending.size === 0) this.holdOpen(child, false);
        },
      });
      this.holdOpen(child, true);
      this.send(child, { t: "call", id, call: operation });
      if (call.signal?.aborted) onAbort();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.restartTimer);
    this.ready?.catch(() => {});
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    this.exitReason = "the gateway is stopping";
    // Waiting for the exit must keep the gateway's process alive until it comes.
    child.ref();
    child.kill("SIGKILL");
    await exited;
  }

  private async spawn(): Promise<void> {
    const entry = await childEntry();
    const generation = ++this.generationCount;
    this.exitReason = undefined;
    this.fatal = undefined;
    const env = Object.fromEntries(passedEnvironment().flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k]!]])));
    const child = fork(entry, [this.specifier], {
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "advanced",
      execArgv: [`--max-old-space-size=${this.options.memoryLimitMb}`],
      env,
    });
    this.child = child;
    for (const [stream, name] of [[child.stdout, "stdout"], [child.stderr, "stderr"]] as const) {
      const lines = new OutputRedactor(
        (text) => this.redact(text),
        () => this.needles[0]?.length ?? 0,
        (line) => {
          if (/heap out of memory|Allocation failed/i.test(line)) this.exitReason ??= "it ran out of memory";
          this.logger.warn("connector output", { connector: this.specifier, stream: name, line });
        },
      );
      stream!.setEncoding("utf8");
      stream!.on("data", (chunk: string) => lines.write(chunk));
      stream!.on("end", () => lines.end());
    }
    return new Promise<void>((resolve, reject) => {
      let started = false;
      const startTimer = setTimeout(() => {
        this.exitReason = `it did not start within ${this.options.startTimeoutMs / 1000}s`;
        child.kill("SIGKILL");
      }, this.options.startTimeoutMs);
      child.on("message", (message: ChildMessage) => {
        if (message.t === "ready") {
          started = true;
          clearTimeout(startTimer);
          this.startHeartbeat(child);
          resolve();
          return;
        }
        this.receive(message);
      });
      // "close", not "exit": it comes after the last output line, which may say why (out of memory).
      child.on("close", (code, signal) => {
        clearTimeout(startTimer);
        clearInterval(this.heartbeat);
        const reason = this.exitReason ?? (this.fatal ? "it crashed" : signal ? `it was ended by ${signal}` : `it exited with code ${code}`);
        this.logger[this.closed ? "info" : "error"]("connector process stopped", {
          connector: this.specifier,
          pid: child.pid,
          generation,
          reason,
          code,
          signal,
          ...(this.fatal ? { detail: this.fatal } : {}),
        });
        const error = this.unavailable(reason);
        for (const [id, p] of this.pending) {
          this.pending.delete(id);
          p.cleanup();
          p.reject(error);
        }
        if (this.child === child) this.ready = undefined;
        if (!started) {
          reject(new Error(`the connector process stopped before it was ready (${reason})${this.fatal ? `: ${this.fatal}` : ""}`));
          return;
        }
        if (!this.closed) this.scheduleRestart();
      });
      child.on("error", (error) => this.logger.error("connector process error", { connector: this.specifier, error: this.redact(String(error)) }));
    });
  }

  /** Restarts at once, but not before the backoff: a connector that crashes on start cannot spin the gateway. */
  private scheduleRestart(): void {
    this.crashesInARow++;
    this.notBefore = Date.now() + Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** (this.crashesInARow - 1));
    this.start().catch((error: unknown) => this.logger.error("connector process restart failed", { connector: this.specifier, error: this.redact(String(error)) }));
  }

  private afterBackoff(): Promise<void> {
    const wait = this.notBefore - Date.now();
    if (wait <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.restartTimer = setTimeout(resolve, wait);
      this.restartTimer.unref();
    });
  }

  private startHeartbeat(child: ChildProcess): void {
    let lastPong = Date.now();
    let sent = 0;
    let answered = 0;
    child.on("message", (message: ChildMessage) => {
      if (message.t !== "pong") return;
      lastPong = Date.now();
      answered = message.n;
    });
    this.heartbeat = setInterval(() => {
      // Two pings unanswered as well as the time: a gateway that was itself stalled does not kill a healthy child.
      if (sent - answered >= 2 && Date.now() - lastPong > this.options.heartbeatTimeoutMs) {
        this.exitReason = "it stopped responding";
        child.kill("SIGKILL");
        return;
      }
      this.send(child, { t: "ping", n: ++sent });
    }, this.options.heartbeatIntervalMs);
    this.heartbeat.unref();
    child.unref();
    for (const stream of [child.stdout, child.stderr]) (stream as { unref?: () => void } | null)?.unref?.();
    this.holdOpen(child, this.pending.size > 0);
  }

  /** An idle connector process does not keep the gateway's process alive (it ends on disconnect); a call in flight does. */
  private holdOpen(child: ChildProcess, hold: boolean): void {
    const channel = child.channel as { ref?: () => void; unref?: () => void } | undefined;
    if (hold) channel?.ref?.();
    else channel?.unref?.();
  }

  private receive(message: ChildMessage): void {
    switch (message.t) {
      case "result": {
        const p = this.pending.get(message.id);
        if (!p) return;
        this.pending.delete(message.id);
        p.cleanup();
        if (message.ok) {
          this.crashesInARow = 0;
          p.resolve(message.value);
        } else {
          p.reject(this.errorFrom(message.error));
        }
        return;
      }
      case "log": {
        const logger = (message.id !== undefined ? this.pending.get(message.id)?.logger : undefined) ?? this.logger;
        // The call's logger redacts with the call's secrets; this adds every secret the child was given.
        logger[message.level](this.redact(message.message), message.fields ? (this.scrub(message.fields) as Record<string, unknown>) : undefined);
        return;
      }
      case "fatal":
        this.fatal = this.redact(`${message.reason}: ${message.message}${message.stack ? `\n${message.stack}` : ""}`);
        if (message.reason.includes("process.exit")) this.exitReason = "it called process.exit";
        return;
      case "pong":
      case "ready":
        return;
    }
  }

  private errorFrom(error: FailureData): Error {
    if (error.kind === "connector") {
      return new ConnectorError(error.code, this.redact(error.message), { properties: error.properties, retryable: error.retryable });
    }
    // Not a ConnectorError: the caller reports it as REMOTE_ERROR and logs it; only redacted text crosses.
    const e = new Error(this.redact(error.message));
    e.name = error.name;
    e.stack = this.redact(error.stack ?? `${error.name}: ${error.message}`);
    return e;
  }

  private scrub(value: unknown, depth = 0): unknown {
    if (typeof value === "string") return this.redact(value);
    if (depth > 8 || value === null || typeof value !== "object" || value instanceof Date || value instanceof Uint8Array) return value;
    if (Array.isArray(value)) return value.map((v) => this.scrub(v, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.scrub(v, depth + 1)]));
  }

  private unavailable(reason: string): ConnectorError {
    return new ConnectorError("UNAVAILABLE", `The ${this.displayName} connector stopped (${reason}) and is being restarted; try again shortly`, { retryable: true });
  }

  private send(child: ChildProcess, message: ParentMessage): void {
    if (child.connected) child.send(message, (error) => error && this.logger.debug("connector process message not sent", { connector: this.specifier, error: error.message }));
  }
}
