import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // The browser suites start a gateway process and Chromium each; two cores, so one file at a time.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // A poll waits on the gateway and an emulator: on a loaded CI machine a key activation can take
    // several seconds, not vitest's default 1 s.
    expect: { poll: { timeout: 15_000 } },
  },
});
