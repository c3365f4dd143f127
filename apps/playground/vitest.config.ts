// Three projects: `unit` runs the comparison logic in Node on the wasm backend (the app's backend;
// the libraries test both backends themselves), `e2e` drives the built page in Debian's headless
// Chromium, `bench` times the default comparison there (`pnpm bench` only, not `pnpm test`).
// DTRN_TEST_BACKENDS=cpu switches the unit project to cpu.
import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const tfjsSetup = createRequire(import.meta.url).resolve('@dtrn/tooling/tfjs-test-setup');
const unitBackend = process.env.DTRN_TEST_BACKENDS === 'cpu' ? 'cpu' : 'wasm';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          environment: 'node',
          env: { DTRN_TEST_BACKEND: unitBackend },
          setupFiles: [tfjsSetup],
          testTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'bench',
          include: ['bench/**/*.bench.test.ts'],
          environment: 'node',
          testTimeout: 900_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
