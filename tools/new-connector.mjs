// `npm run new-connector -- <name> [--dir <directory>] [--package <npm name>]`: writes a connector
// package that builds, loads into the gateway and passes the conformance kit's static checks.
// Default directory: plugins/<name>. Then follow docs/connectors.md and fill in the TODOs.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { positionals, values } = parseArgs({ allowPositionals: true, options: { dir: { type: "string" }, package: { type: "string" } } });
const [name] = positionals;
if (!name || !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name) || name.length > 40) {
  console.error("usage: npm run new-connector -- <name> [--dir <directory>] [--package <npm name>]\n  <name>: lowercase letters, digits and single hyphens, e.g. acme-vault");
  process.exit(2);
}
// `npm run` starts scripts in the repository root; INIT_CWD is where the user typed the command.
const dir = resolve(process.env.INIT_CWD ?? process.cwd(), values.dir ?? join(repo, "plugins", name));
if (existsSync(dir) && readdirSync(dir).length > 0) {
  console.error(`${dir} exists and is not empty; choose another --dir`);
  process.exit(1);
}
const packageName = values.package ?? `uko-connector-${name}`;
const type = name.replace(/-/g, "_");
const title = name.split("-").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(" ");

const files = {
  "package.json": JSON.stringify(
    {
      name: packageName,
      version: "0.1.0",
      description: `A UKO connector for ${title}.`,
      license: "Apache-2.0",
      type: "module",
      exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" } },
      files: ["dist", "README.md"],
      engines: { node: ">=20.19" },
      scripts: { build: "tsc -p tsconfig.json", test: "vitest run", prepack: "tsc -p tsconfig.json" },
      peerDependencies: { "@uko/connector-sdk": "^0.1.0" },
      devDependencies: { "@types/node": "^20.19.0", "@uko/connector-sdk": "^0.1.0", "@uko/connector-testkit": "^0.1.0", typescript: "^5.9.3", vitest: "^4.1.12" },
    },
    null,
    2,
  ),
  "tsconfig.json": JSON.stringify(
    {
      compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2023"], types: ["node"], strict: true, skipLibCheck: true, declaration: true, rootDir: "src", outDir: "dist" },
      include: ["src"],
    },
    null,
    2,
  ),
  "vitest.config.ts": `import { defineConfig } from "vitest/config";\n\nexport default defineConfig({ test: { include: ["test/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 60_000 } });\n`,
  "src/index.ts": `export { default } from "./connector.js";\n`,
  "src/connector.ts": `import { ConnectorError, defineConnector, property, type ConnectorHost, type KeyOperations, type PropertyValues } from "@uko/connector-sdk";

/**
 * The ${title} connector. docs/connectors.md explains each part; examples/connector-file in the UKO
 * repository is a complete connector to compare with.
 */
export default defineConnector({
  type: "${type}",
  displayName: "${title}",
  description: "TODO: what this keystore is, in one sentence for the person connecting it.",
  properties: [
    property.string("${type}_endpoint", {
      label: "Endpoint",
      description: "TODO: the URL of the ${title} service.",
      required: true,
      immutable: true,
      minLength: 8,
      maxLength: 2048,
    }),
    property.string("${type}_api_token", {
      label: "API token",
      description: "TODO: the credential the gateway authenticates with.",
      required: true,
      secret: true,
      minLength: 8,
      maxLength: 4096,
    }),
  ],
  identifyingProperties: ["${type}_endpoint"],
  requiredPermissions: [{ name: "keys:import", description: "TODO: import key material into a new key" }],
  capabilities: {
    algorithms: [{ algorithm: "aes", sizes: ["256"] }],
    operations: [],
  },
  keyNaming: {
    minLength: 1,
    maxLength: 64,
    pattern: "[a-z0-9][a-z0-9-]*",
    patternMessage: "TODO: what a key name may be, in words",
  },
  connect(properties: Readonly<PropertyValues>) {
    // TODO: create the service's client here (no remote calls yet); keep costly state (tokens) in the session.
    const endpoint = String(properties.${type}_endpoint);
    return {
      async test(_host: ConnectorHost) {
        // TODO: check reachability, authentication and each required permission, without side effects.
        throw new ConnectorError("UNREACHABLE", \`TODO: \${endpoint} is not tested yet\`);
      },
      keys: notImplemented,
    };
  },
});

const todo = async (): Promise<never> => {
  throw new ConnectorError("UNSUPPORTED", "TODO: not implemented yet");
};

/** TODO: implement each operation (docs/connectors.md, "Key operations and their guarantees"). */
const notImplemented: KeyOperations = {
  installKey: todo,
  findManagedCopy: todo,
  describeKey: todo,
  enableKey: todo,
  disableKey: todo,
  scheduleKeyDeletion: todo,
  listKeys: todo,
};
`,
  "test/conformance.test.ts": `import { runConnectorSuite } from "@uko/connector-testkit";
import connector from "../src/index.js";

// The static checks run now. When the connection test and key operations work, add the live
// suite: a target() with your emulator's properties, negative cases and proveMaterial
// (docs/connectors.md, "Prove it with the conformance kit").
runConnectorSuite({ connector });
`,
  "README.md": `# ${packageName}

A UKO connector for ${title} (keystore type \`${type}\`), generated by \`npm run new-connector\`.

\`\`\`sh
npm run build     # dist/
npm test          # the conformance kit
\`\`\`

Load it: \`UKO_CONNECTORS=${packageName}\` (installed next to the gateway) or \`UKO_CONNECTORS=/path/to/this/directory\`.
Writing it: docs/connectors.md in the UKO repository.
`,
};

for (const [file, content] of Object.entries(files)) {
  const path = join(dir, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content.endsWith("\n") ? content : `${content}\n`);
}
const where = relative(process.env.INIT_CWD ?? process.cwd(), dir) || ".";
console.log(`Wrote ${packageName} (type ${type}) in ${where}.
Next: cd ${where} && npx tsc -p tsconfig.json && npx vitest run
${dir.startsWith(join(repo, "plugins")) ? "To build it with the monorepo, add it to \"workspaces\" in the root package.json.\n" : ""}Then follow docs/connectors.md.`);
