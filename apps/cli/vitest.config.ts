// The app's tests run on the app's own backend (wasm, selected through src/runtime/backend.ts), not
// once per backend like the libraries: they exercise the app, and the libraries test both backends.
import { plainTestConfig } from '@dtrn/tooling/vitest';

export default plainTestConfig({ testTimeout: 240_000, hookTimeout: 240_000, fileParallelism: false });
