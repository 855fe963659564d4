import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSchema, createYoga } from "graphql-yoga";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleFiles } from "../src/console-files.js";
import { startTestGateway, type TestGateway } from "./harness.js";

/**
 * The console's static files: a fake build in a temp folder served by the plugin on a minimal
 * Yoga, and the real gateway to show its API paths are left alone.
 */
const INDEX = "<!doctype html><title>console</title>";
let root: string;

const yogaWith = (dir: string) =>
  createYoga({
    schema: createSchema({ typeDefs: "type Query { ok: Boolean }", resolvers: { Query: { ok: () => true } } }),
    graphqlEndpoint: "/graphql",
    landingPage: false,
    plugins: [consoleFiles({ root: dir })],
  });

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "uko-console-"));
  mkdirSync(join(root, "assets"));
  writeFileSync(join(root, "index.html"), INDEX);
  writeFileSync(join(root, "assets", "index-Ab12Cd34.js"), "console.log(1)");
  writeFileSync(join(root, "assets", "index-Ef56Gh78.css"), "body{}");
  writeFileSync(join(root, "favicon.svg"), "<svg/>");
  writeFileSync(join(tmpdir(), "uko-console-secret.txt"), "outside");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("console files", () => {
  it("serves index.html at / with no long cache", async () => {
    const r = await yogaWith(root).fetch("http://localhost/");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(r.headers.get("cache-control")).toBe("no-cache");
    // Only this origin's scripts, styles and fonts; never framed by another site.
    const csp = r.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(r.headers.get("x-frame-options")).toBe("DENY");
    expect(await r.text()).toBe(INDEX);
  });

  it("serves hashed assets with their content type and a year's immutable cache", async () => {
    const yoga = yogaWith(root);
    const js = await yoga.fetch("http://localhost/assets/index-Ab12Cd34.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await js.text()).toBe("console.log(1)");
    const css = await yoga.fetch("http://localhost/assets/index-Ef56Gh78.css");
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    const svg = await yoga.fetch("http://localhost/favicon.svg");
    expect(svg.headers.get("content-type")).toBe("image/svg+xml");
    expect(svg.headers.get("cache-control")).toBe("no-cache");
  });

  it("answers client routes with index.html, but a missing asset with 404", async () => {
    const yoga = yogaWith(root);
    for (const route of ["/keystores", "/keystores/2b1c0e3a-0000-4000-8000-000000000000", "/keys/new"]) {
      const r = await yoga.fetch(`http://localhost${route}`);
      expect(r.status, route).toBe(200);
      expect(await r.text()).toBe(INDEX);
    }
    const missing = await yoga.fetch("http://localhost/assets/gone-123.js");
    expect(missing.status).toBe(404);
    expect(await missing.text()).not.toContain("<title>");
  });

  it("refuses directory traversal, encoded or not", async () => {
    const yoga = yogaWith(root);
    // Dot segments hidden from the URL parser (an encoded slash or backslash) reach the plugin: refused.
    for (const path of ["/assets/..%2f..%2fuko-console-secret.txt", "/..%5cuko-console-secret.txt", "/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/a%00.js"]) {
      const r = await yoga.fetch(`http://localhost${path}`);
      expect(r.status, path).toBe(400);
      expect(await r.text()).not.toContain("outside");
    }
    // Literal or %2e-encoded ".." segments are resolved by URL parsing first: they stay inside the root.
    for (const path of ["/assets/../../uko-console-secret.txt", "/%2e%2e/uko-console-secret.txt"]) {
      const r = await yoga.fetch(`http://localhost${path}`);
      expect(r.status, path).toBe(404);
      expect(await r.text()).not.toContain("outside");
    }
  });

  it("leaves POST and other methods to the API", async () => {
    const r = await yogaWith(root).fetch("http://localhost/", { method: "DELETE" });
    expect(await r.text()).not.toBe(INDEX);
  });

  it("HEAD answers the headers without a body", async () => {
    const r = await yogaWith(root).fetch("http://localhost/assets/index-Ab12Cd34.js", { method: "HEAD" });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await r.text()).toBe("");
  });

  it("serves nothing but a hint when the console is not built", async () => {
    const empty = mkdtempSync(join(tmpdir(), "uko-console-empty-"));
    try {
      const r = await yogaWith(empty).fetch("http://localhost/keystores");
      expect(r.status).toBe(404);
      expect(await r.text()).toMatch(/console is not built.*turbo run build --filter=@uko\/console/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe("the gateway with the console plugin", () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway("sqlite");
  });
  afterAll(async () => t?.close());

  it("leaves /graphql, GraphiQL, /healthz and /readyz to the API", async () => {
    const gql = await t.gql("query { keystoreTypes { type } }");
    expect(gql.data.keystoreTypes.length).toBeGreaterThan(0);
    const graphiql = await t.fetch("/graphql", { headers: { accept: "text/html" } });
    expect(graphiql.status).toBe(200);
    expect(await graphiql.text()).toContain("UKO gateway");
    expect(await (await t.fetch("/healthz")).json()).toEqual({ status: "ok" });
    expect(await (await t.fetch("/readyz")).json()).toEqual({ status: "ready" });
  });

  it("serves the console (or the hint) at /", async () => {
    const r = await t.fetch("/");
    if (r.status === 200) expect(await r.text()).toContain('<div id="root">');
    else expect([r.status, await r.text()]).toEqual([404, expect.stringContaining("console is not built")]);
  });
});
