// The playground is a static site: `vite build` writes dist/ with every script, the worker and the
// tfjs wasm binaries (imported with `?url`), so it works offline from any static file server.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: {
    target: 'es2022',
    // The worker chunk holds tfjs and the libraries (~1.5 MB minified); not a warning here.
    chunkSizeWarningLimit: 4000,
  },
  worker: { format: 'es' },
  preview: { port: 4173, strictPort: true },
});
