import { defineConfig } from "vite";

// No React plugin: Vite 8 transforms TSX itself (oxc, automatic JSX runtime); the console needs
// no fast refresh to be built and served by the gateway.
export default defineConfig({
  oxc: { jsx: { runtime: "automatic" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Hashed file names under assets/: the gateway caches exactly those for a year.
    assetsDir: "assets",
    sourcemap: false,
  },
});
