// Runs before each test file of a tfjs package: registers the cpu and wasm backends and selects
// the one named by DTRN_TEST_BACKEND (set per vitest project in vitest.mjs).
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';

const backend = process.env.DTRN_TEST_BACKEND ?? 'cpu';
const ok = await tf.setBackend(backend);
if (!ok) throw new Error(`tfjs test setup: backend "${backend}" failed to initialise`);
await tf.ready();
