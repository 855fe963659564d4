import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql ships CJS and ESM builds; Pothos and Yoga load the CJS one under Node, so the
    // code under test must too, or graphql refuses types from "another" graphql.
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Test files share the one PostgreSQL server and two cores; run them one after another.
    fileParallelism: false,
  },
});
