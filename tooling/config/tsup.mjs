// Shared tsup settings: ESM only, type declarations, browser-safe platform for libraries.
import { defineConfig } from 'tsup';

/**
 * @param {Record<string, string>} entry map of output name to source file, e.g. { index: 'src/index.ts' }
 * @param {{ platform?: 'neutral' | 'node' }} [options]
 */
export function libraryConfig(entry, options = {}) {
  return defineConfig({
    entry,
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: options.platform ?? 'neutral',
    splitting: true,
    treeshake: true,
    // Node built-ins only appear in separate Node entry points; never bundle or resolve them.
    external: [/^node:/],
  });
}
