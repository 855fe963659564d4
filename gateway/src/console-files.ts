import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, extname, join, resolve, sep } from "node:path";
import type { Plugin } from "graphql-yoga";

/**
 * Serves the web console's production build (@uko/console's dist/) at `/`: its files, and
 * index.html for any other GET so the console's own routes (/keystores/…) load on refresh.
 * The API's paths are never touched. Files are read per request (no cache in memory): the build is
 * small and a rebuild shows up without a restart.
 */
const API_PATHS = new Set(["/graphql", "/healthz", "/readyz"]);

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json; charset=utf-8",
};

/** Vite names what it emits under assets/ by content hash, so those never change: cache a year. */
const HASHED = "public, max-age=31536000, immutable";
/** index.html and unhashed files are revalidated, so a new build is picked up at once. */
const REVALIDATE = "no-cache";

/**
 * The console's pages load only what the build ships (scripts, styles, fonts, images from this
 * origin) and talk only to this origin's API: an injected script or style from anywhere else is
 * refused, and no other site may frame the console (clickjacking an administrator's session).
 * Images may be data: URIs (the design system draws small icons that way in its CSS).
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "font-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const NOT_BUILT = "The web console is not built. Run `npx turbo run build --filter=@uko/console` (or `npm start`), then reload. The API is at /graphql.";

/** The console's dist folder, via its package; undefined when the package is not installed. */
export function consoleDistDir(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve("@uko/console/package.json")), "dist");
  } catch {
    return undefined;
  }
}

export function consoleFiles(options: { root?: string } = {}): Plugin {
  const root = options.root ? resolve(options.root) : consoleDistDir();
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (API_PATHS.has(url.pathname) || url.pathname.startsWith("/graphql/")) return;
      if (request.method !== "GET" && request.method !== "HEAD") return;
      const text = (status: number, body: string) =>
        endResponse(new fetchAPI.Response(request.method === "HEAD" ? null : body, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": REVALIDATE } }));

      let path: string;
      try {
        path = decodeURIComponent(url.pathname);
      } catch {
        return text(400, "Bad path");
      }
      // URL parsing already resolves literal "..", but an encoded one (%2e%2e, ..%2f) arrives
      // decoded here; refuse any dot segment, backslash or NUL rather than resolve it.
      if (path.split(/[/\\]/).some((s) => s === ".." || s === ".") || path.includes("\0") || path.includes("\\")) {
        return text(400, "Bad path");
      }
      if (!root || !(await isFile(join(root, "index.html")))) return text(404, NOT_BUILT);

      const file = resolve(root, `.${path}`);
      if (file !== root && !file.startsWith(root + sep)) return text(400, "Bad path");
      let served = file;
      if (path === "/" || !(await isFile(file))) {
        // A missing file with an extension is a missing asset, not a page: 404, not index.html.
        if (extname(path) !== "") return text(404, "Not found");
        served = join(root, "index.html");
      }
      const body = await readFile(served);
      const relative = served.slice(root.length + 1).split(sep).join("/");
      return endResponse(
        new fetchAPI.Response(request.method === "HEAD" ? null : body, {
          status: 200,
          headers: {
            "content-type": CONTENT_TYPES[extname(served).toLowerCase()] ?? "application/octet-stream",
            "cache-control": relative.startsWith("assets/") ? HASHED : REVALIDATE,
            "content-length": String(body.length),
            "x-content-type-options": "nosniff",
            "content-security-policy": CONSOLE_CSP,
            "x-frame-options": "DENY",
            "referrer-policy": "no-referrer",
          },
        }),
      );
    },
  };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
