import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const source = (pkg: string) => fileURLToPath(new URL(`../${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  resolve: {
    // Bundle the workspace packages from source, so the app builds without building them first.
    alias: { '@parley/sdk': source('sdk'), '@parley/protocol': source('protocol'), '@parley/emoji': source('emoji') },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The server's CSP allows no inline script: the preload polyfill is one.
    modulePreload: { polyfill: false },
    // Every asset as a file, never a data: URL inlined in CSS or JS.
    assetsInlineLimit: 0,
    target: 'es2022',
    // Minified kB of one chunk before the build warns: the emoji dataset (950 kB, loaded on first
    // use) is the largest. What the first page loads is held to 200 kB gzip by the benchmark
    // (web-size), the budget that matters.
    chunkSizeWarningLimit: 1000,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // Zod's settings must be made before any schema is built, and the protocol's schemas are
          // built as its chunk loads: src/zod-config.ts travels in Zod's own chunk, which every
          // chunk using Zod loads (and runs) first.
          groups: [{ name: 'zod', test: /[\\/]node_modules[\\/]zod[\\/]|[\\/]src[\\/]zod-config\.ts$/ }],
        },
      },
    },
  },
  server: {
    // `npm run dev -w @parley/web` next to a server on the default port.
    proxy: { '/api': { target: 'http://127.0.0.1:8080', ws: true } },
  },
});
