// Shared vitest settings. Packages that use TensorFlow.js run every test file once per backend
// (a vitest project per backend); DTRN_TEST_BACKENDS=cpu or =wasm narrows the set.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const setupFile = fileURLToPath(new URL('./tfjs-test-setup.mjs', import.meta.url));
const ALL_BACKENDS = ['cpu', 'wasm'];

function backendsUnderTest() {
  const requested = process.env.DTRN_TEST_BACKENDS;
  if (!requested) return ALL_BACKENDS;
  const names = requested
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!ALL_BACKENDS.includes(name)) {
      throw new Error(
        `DTRN_TEST_BACKENDS: expected a comma-separated subset of ${ALL_BACKENDS.join(', ')}, found "${name}"`,
      );
    }
  }
  return names;
}

/** Plain unit tests (packages without tfjs). */
export function plainTestConfig(overrides = {}) {
  return defineConfig({
    test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 60_000, ...overrides },
  });
}

/** One vitest project per tfjs backend; each sets the backend before any test file runs. */
export function tfjsTestConfig(overrides = {}) {
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 120_000,
      hookTimeout: 120_000,
      ...overrides,
      projects: backendsUnderTest().map((backend) => ({
        extends: true,
        test: {
          name: backend,
          env: { DTRN_TEST_BACKEND: backend },
          setupFiles: [setupFile],
        },
      })),
    },
  });
}
