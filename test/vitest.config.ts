import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["e2e/**/*.test.ts", "security/**/*.test.ts", "packaging/**/*.test.ts"],
    // Each test starts and stops real gateway processes.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The files share ports, PostgreSQL and two cores: one after another.
    fileParallelism: false,
  },
});
