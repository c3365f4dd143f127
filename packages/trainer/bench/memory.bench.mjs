// Benchmark: memory over a long `fit` run on the MMoE configuration (bench/mmoe-config.mjs),
// wasm backend. Every BENCH_MEMORY_EVERY steps it records the live tensor count, the bytes tfjs
// holds, the size of the wasm heap and the process RSS, then reports the growth from the first
// sample after warm-up (step BENCH_MEMORY_EVERY) to the last. Growth of the tensor count or of the
// tfjs bytes is a leak; the wasm heap and RSS may rise early (allocator high-water marks) but must
// level off. Default 10,000 steps at batch 256 (about 10-15 min on one idle core; the same run at
// batch 1024 takes about an hour).
// Run: pnpm --filter @dtrn/trainer build && node bench/memory.bench.mjs
// Env: BENCH_MEMORY_STEPS=10000 BENCH_MEMORY_BATCH=256 BENCH_MEMORY_EVERY=1000
import '@tensorflow/tfjs-backend-wasm';
import { createModel } from '@dtrn/model';
import * as tf from '@tensorflow/tfjs-core';
import { fit } from '../dist/index.js';
import { batchMaker, cyclingSource, modelArgs, schema } from './mmoe-config.mjs';

const steps = Number(process.env.BENCH_MEMORY_STEPS ?? 10_000);
const batchSize = Number(process.env.BENCH_MEMORY_BATCH ?? 256);
const every = Number(process.env.BENCH_MEMORY_EVERY ?? 1000);

await tf.setBackend('wasm');
await tf.ready();

const MiB = 1024 * 1024;
const makeBatch = batchMaker(2024);
const batches = Array.from({ length: 16 }, () => makeBatch(batchSize));
const model = createModel(schema, modelArgs);
const samples = [];
const started = performance.now();

function sample(step) {
  const memory = tf.memory();
  samples.push({
    step,
    tensors: memory.numTensors,
    tfjsMiB: memory.numBytes / MiB,
    heapMiB: tf.backend().wasm.HEAPU8.buffer.byteLength / MiB,
    rssMiB: process.memoryUsage().rss / MiB,
    minutes: (performance.now() - started) / 60_000,
  });
}

await fit(model, cyclingSource(batches, steps), null, {
  epochs: 1,
  earlyStopping: false,
  progressEverySteps: every,
  seed: 1,
  onProgress: (event) => sample(event.step),
});
model.dispose();

console.log(
  `# fit on the MMoE configuration, wasm, batch ${batchSize}, ${steps.toLocaleString('en-US')} steps; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
);
console.log('| step | live tensors | tfjs MiB | wasm heap MiB | RSS MiB | minutes |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
for (const s of samples) {
  console.log(
    `| ${s.step} | ${s.tensors} | ${s.tfjsMiB.toFixed(1)} | ${s.heapMiB.toFixed(0)} | ${s.rssMiB.toFixed(0)} | ${s.minutes.toFixed(1)} |`,
  );
}
const first = samples[0];
const last = samples.at(-1);
const growth = (key) => (last[key] - first[key]).toFixed(key === 'tensors' ? 0 : 1);
console.log(
  `growth from step ${first.step} to ${last.step}: tensors ${growth('tensors')}, tfjs ${growth('tfjsMiB')} MiB, wasm heap ${growth('heapMiB')} MiB, RSS ${growth('rssMiB')} MiB`,
);
