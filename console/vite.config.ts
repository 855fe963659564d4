import { defineConfig } from "vite";

// No React plugin: Vite 8 transforms TSX itself (oxc, automatic JSX runtime); the console needs
// no fast refresh to be built and served by the gateway.
export default defineConfig({
  oxc: { jsx: { runtime: "automatic" } },
  // Carbon's Sass (a dependency) still uses syntax newer Sass deprecates: its warnings are not
  // ours to fix and would bury the build's own output. Our own .scss still warns.
  css: { preprocessorOptions: { scss: { quietDeps: true } } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Hashed file names under assets/: the gateway caches exactly those for a year.
    assetsDir: "assets",
    sourcemap: false,
    // One bundle (~580 kB, ~170 kB gzipped, most of it Carbon) for an administrators' console the
    // gateway serves from the same host: splitting it would add requests, not save any.
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      // Carbon marks its modules "use client" for React Server Components; a client bundle has
      // nothing to preserve.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
});
