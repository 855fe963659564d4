import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * The file a connector process runs. Built, it is `child.js` next to this module. Run from
 * source (tsx, vitest), this folder's TypeScript is transpiled once into the gateway's
 * node_modules/.cache, so the child runs on plain Node: under a TypeScript loader hooking every
 * import, a connector with a large SDK took seconds longer to start and to make its first call.
 */
export async function childEntry(): Promise<string> {
  if (!import.meta.url.endsWith(".ts")) return join(HERE, "child.js");
  const sources = readdirSync(HERE).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
  const digest = createHash("sha256");
  for (const file of sources) digest.update(file).update(readFileSync(join(HERE, file)));
  // Inside the gateway package, so the child resolves @uko/* packages as the gateway does.
  const out = join(HERE, "..", "..", "..", "node_modules", ".cache", "uko-connector-host", digest.digest("hex").slice(0, 16));
  const entry = join(out, "child.js");
  if (existsSync(entry)) return entry;
  // typescript is a development dependency of the workspace: only needed when running from source.
  const ts = (await import("typescript")).default;
  mkdirSync(out, { recursive: true });
  for (const file of sources) {
    const { outputText } = ts.transpileModule(readFileSync(join(HERE, file), "utf8"), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
      fileName: file,
    });
    const target = join(out, file.replace(/\.ts$/, ".js"));
    // Written whole then renamed: a concurrent start never reads half a file.
    writeFileSync(`${target}.${process.pid}.tmp`, outputText);
    renameSync(`${target}.${process.pid}.tmp`, target);
  }
  writeFileSync(join(out, "package.json"), JSON.stringify({ type: "module" }));
  return entry;
}
