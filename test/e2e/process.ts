import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import pg from "pg";

/**
 * Runs the built gateway (`gateway/dist/main.js`) as a real child process and talks to it over
 * HTTP. Every process keeps what it printed and every response body it served, for the secret scans.
 */

const require = createRequire(import.meta.url);

/** The built entry point, found through the @uko/gateway dependency (its `main`). */
export function gatewayEntry(): string {
  try {
    return require.resolve("@uko/gateway");
  } catch (error) {
    throw new Error(
      `The built gateway (gateway/dist/main.js) is missing; run \`npx turbo run build --filter=@uko/gateway\` first. (${(error as Error).message})`,
    );
  }
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Stopped extends Exit {
  /** Milliseconds from SIGTERM to exit. */
  ms: number;
  /** It did not exit within the deadline and was killed with SIGKILL. */
  timedOut: boolean;
}

const running = new Set<GatewayProcess>();

/**
 * Only what Node needs from the parent environment, plus `vars`: a DATABASE_URL, UKO_* or PORT set
 * where the tests run never leaks into the gateway under test.
 */
export function gatewayEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ["PATH", "HOME", "TMPDIR", "LANG", "TZ"]) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  return { ...env, ...vars };
}

export class GatewayProcess {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  /** Every response body this process served to the test. */
  readonly responses: string[] = [];
  /** Resolves once the process has exited and its output is fully read. */
  readonly exited: Promise<Exit>;
  exit: Exit | undefined;
  private baseUrl: string | undefined;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    cwd: string,
  ) {
    this.child = spawn(process.execPath, [gatewayEntry()], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    running.add(this);
    this.child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (this.stdout += chunk));
    this.child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise<Exit>((resolve) => {
      // "close", not "exit": it comes after stdout and stderr are drained.
      this.child.once("close", (code, signal) => resolve({ code, signal }));
      this.child.once("error", (error) => {
        this.stderr += `\n[spawn error] ${error.message}\n`;
        resolve({ code: null, signal: null });
      });
    }).then((exit) => {
      this.exit = exit;
      running.delete(this);
      return exit;
    });
  }

  /** stdout and stderr, one after the other. */
  get output(): string {
    return `${this.stdout}${this.stderr}`;
  }

  get url(): string {
    if (!this.baseUrl) throw new Error("the gateway is not ready");
    return this.baseUrl;
  }

  /**
   * Waits for the start-up line that names the port (the gateway listens on PORT=0, a port the
   * system picks free) and then for /readyz to answer 200.
   */
  async waitForReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exit) {
        throw new Error(`the gateway exited (code ${this.exit.code}, signal ${this.exit.signal}) before it was ready:\n${this.output}`);
      }
      const port = /UKO gateway on http:\/\/localhost:(\d+)\/graphql/.exec(this.stdout)?.[1];
      if (port) {
        const url = `http://127.0.0.1:${port}`;
        const ready = await fetch(`${url}/readyz`)
          .then(async (r) => {
            const text = await r.text();
            this.responses.push(text);
            return r.status === 200 && (JSON.parse(text) as { status?: string }).status === "ready";
          })
          .catch(() => false);
        if (ready) {
          this.baseUrl = url;
          return;
        }
      }
      await sleep(50);
    }
    throw new Error(`the gateway was not ready within ${timeoutMs} ms:\n${this.output}`);
  }

  /** An HTTP request to the gateway; the body is read, kept, and returned as text. */
  async request(path: string, init?: RequestInit): Promise<{ status: number; text: string }> {
    const response = await fetch(new URL(path, this.url), init);
    const text = await response.text();
    this.responses.push(text);
    return { status: response.status, text };
  }

  /** The administrator token: UKO_ADMIN_TOKEN, or the one the first start wrote into the data directory. */
  get adminToken(): string {
    const given = this.env.UKO_ADMIN_TOKEN;
    if (given) return given;
    return readFileSync(join(this.env.UKO_DATA_DIR ?? "data", "admin.token"), "utf8").trim();
  }

  /** POST /graphql as the administrator; throws on a non-200 answer or top-level errors, returns `data`. */
  async gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const { status, text } = await this.request("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json", authorization: `Bearer ${this.adminToken}` },
      body: JSON.stringify({ query, variables }),
    });
    if (status !== 200) throw new Error(`POST /graphql answered ${status}: ${text}`);
    const json = JSON.parse(text) as { data?: T; errors?: unknown };
    if (json.errors) throw new Error(`GraphQL errors: ${JSON.stringify(json.errors)}`);
    return json.data as T;
  }

  /** SIGTERM, then waits up to `timeoutMs` for the exit; past it, SIGKILL. */
  async stop(timeoutMs = 10_000): Promise<Stopped> {
    const started = Date.now();
    if (this.exit) return { ...this.exit, ms: 0, timedOut: false };
    this.child.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.exited.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) await this.kill();
    const exit = await this.exited;
    return { ...exit, ms: Date.now() - started, timedOut };
  }

  /** SIGKILL if still running; resolves when it is gone. */
  async kill(): Promise<void> {
    if (!this.exit) this.child.kill("SIGKILL");
    await this.exited;
  }
}

/** Starts a gateway and waits until it is ready; kills it if it never gets there. */
export async function startGateway(env: NodeJS.ProcessEnv, cwd: string): Promise<GatewayProcess> {
  const gateway = new GatewayProcess(env, cwd);
  try {
    await gateway.waitForReady();
  } catch (error) {
    await gateway.kill();
    throw error;
  }
  return gateway;
}

/** Starts a gateway that is expected to stop by itself; kills it after `timeoutMs`. */
export async function runUntilExit(env: NodeJS.ProcessEnv, cwd: string, timeoutMs = 30_000): Promise<GatewayProcess & { exit: Exit }> {
  const gateway = new GatewayProcess(env, cwd);
  const deadline = Date.now() + timeoutMs;
  while (!gateway.exit && Date.now() < deadline) {
    if (/UKO gateway on/.test(gateway.stdout)) {
      await gateway.kill();
      throw new Error(`the gateway was expected to refuse to start, but it is serving:\n${gateway.output}`);
    }
    await Promise.race([gateway.exited, sleep(50)]);
  }
  if (!gateway.exit) {
    await gateway.kill();
    throw new Error(`the gateway was expected to stop by itself but still ran after ${timeoutMs} ms:\n${gateway.output}`);
  }
  return gateway as GatewayProcess & { exit: Exit };
}

/** Kills every gateway process still running (for afterEach/afterAll, whatever the tests did). */
export async function killAllGateways(): Promise<void> {
  await Promise.all([...running].map((g) => g.kill()));
}

// Last resort if the test runner itself goes away: no orphaned gateways.
process.once("exit", () => {
  for (const g of running) g.child.kill("SIGKILL");
});

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Every file under `dir` (recursively): relative path, permission bits and a hash of the content. */
export function snapshotDir(dir: string): Record<string, { mode: string; sha256: string; size: number }> {
  const result: Record<string, { mode: string; sha256: string; size: number }> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const content = readFileSync(path);
        result[relative(dir, path)] = {
          mode: (statSync(path).mode & 0o777).toString(8),
          sha256: createHash("sha256").update(content).digest("hex"),
          size: content.length,
        };
      }
    }
  };
  walk(dir);
  return result;
}

/** The content of every file under `dir`, for scans. */
export function readAllFiles(dir: string): { path: string; content: Buffer }[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => ({ path: join(e.parentPath, e.name), content: readFileSync(join(e.parentPath, e.name)) }));
}

/** How often `secret` occurs in `haystack`, as text, base64 or hex. */
export function occurrences(haystack: string | Buffer, secret: string): number {
  const text = typeof haystack === "string" ? Buffer.from(haystack, "utf8") : haystack;
  const forms = [secret, Buffer.from(secret).toString("base64"), Buffer.from(secret).toString("hex")];
  let count = 0;
  for (const form of new Set(forms)) {
    for (let at = text.indexOf(form); at !== -1; at = text.indexOf(form, at + 1)) count++;
  }
  return count;
}

// --- PostgreSQL -------------------------------------------------------------------------------

export const PG_BASE = process.env.TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** undefined when PostgreSQL answers at PG_BASE, else why not. */
export async function postgresUnavailable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_BASE, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return undefined;
  } catch (error) {
    return `PostgreSQL at ${PG_BASE} is not reachable (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => {});
  }
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_BASE, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A new, empty database; returns its URL and how to drop it. */
export async function createDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 10)}`.replace(/[^a-z0-9_]/g, "");
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(PG_BASE);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Every row of every table in the public schema, as text, in a stable order. */
export async function dumpDatabase(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
    );
    const lines: string[] = [];
    for (const { name } of tables.rows) {
      const rows = await client.query<{ row: string }>(`SELECT t::text AS row FROM public."${name.replace(/"/g, '""')}" t ORDER BY 1`);
      for (const { row } of rows.rows) lines.push(`${name}: ${row}`);
    }
    return lines.join("\n");
  } finally {
    await client.end();
  }
}
