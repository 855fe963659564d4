import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** A path (absolute or relative to the working directory) becomes a file URL; a package name stays. */
export function importable(name: string): string {
  return name.startsWith(".") || name.startsWith("/") ? pathToFileURL(resolve(name)).href : name;
}
