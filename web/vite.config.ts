import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { precompress } from './vite-precompress';

// Paths are resolved from this file, so `vite build --config web/vite.config.ts` works from the repo root.
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  plugins: [react(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // OpenSeadragon is loaded on demand by the work page only.
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      output: {
        // Tiny shared chunks (a helper or two each) cost a phone a request each over HTTP/1.1's six
        // connections: the work page asked for twenty, and its first paint waited for the last
        // (phone LCP 2.58 → 2.25 s). Rollup merges chunks under this size into others where that
        // runs no code a page did not run before (a page may download a few unused helpers).
        experimentalMinChunkSize: 10_000,
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false },
    },
  },
});
