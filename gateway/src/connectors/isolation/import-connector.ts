import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * Imports one UKO_CONNECTORS entry. An entry is a package name (resolved from the gateway's own
 * installation, then from the working directory, so a connector installed next to the gateway
 * loads) or a path (absolute, or starting with ./ or ../ from the working directory) to a package
 * directory, whose package.json names its entry file, or to the module file itself.
 */
export async function importConnector(entry: string, cwd = process.cwd()): Promise<{ default?: unknown }> {
  if (isPath(entry)) {
    const path = resolve(cwd, entry);
    const isFile = await stat(path).then((s) => s.isFile(), () => false);
    return import(isFile ? pathToFileURL(path).href : await packageEntryUrl(path));
  }
  try {
    return (await import(entry)) as { default?: unknown };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ERR_MODULE_NOT_FOUND" || !String((error as Error).message).includes(entry)) throw error;
    let resolved: string;
    try {
      resolved = createRequire(join(cwd, "package.json")).resolve(entry);
    } catch {
      throw new Error(`no package "${entry}" next to the gateway or in ${cwd}/node_modules (give a path to load one from elsewhere)`);
    }
    return import(pathToFileURL(resolved).href);
  }
}

export function isPath(entry: string): boolean {
  return isAbsolute(entry) || entry.startsWith("./") || entry.startsWith("../") || entry === "." || entry === "..";
}

/** The file URL of a package directory's main entry: `exports["."]` (its `import` or `default`), else `main`, else index.js. */
async function packageEntryUrl(directory: string): Promise<string> {
  let manifest: { exports?: unknown; main?: string };
  try {
    manifest = JSON.parse(await readFile(join(directory, "package.json"), "utf8")) as typeof manifest;
  } catch (error) {
    throw new Error(`${directory} is not a package directory (${(error as NodeJS.ErrnoException).code ?? (error as Error).message} reading package.json)`);
  }
  const root = typeof manifest.exports === "object" && manifest.exports !== null && "." in manifest.exports ? (manifest.exports as Record<string, unknown>)["."] : manifest.exports;
  const file = conditionTarget(root) ?? manifest.main ?? "index.js";
  return pathToFileURL(join(directory, file)).href;
}

function conditionTarget(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value !== "object" || value === null) return undefined;
  const conditions = value as Record<string, unknown>;
  return conditionTarget(conditions.import) ?? conditionTarget(conditions.node) ?? conditionTarget(conditions.default);
}
