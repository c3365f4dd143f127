// Benchmark: data-parallel training (fitParallel, worker threads) against one-thread fit, on the
// issue's MMoE configuration built by @dtrn/model: 2 tasks, batch 1024, 20 sparse fields of
// vocabulary 10,000 (field 0 is the target item, whose id space the three behavior sequences
// share), three sequences of length 50 mean-pooled, d = 16, MMoE 4 experts [256, 128], towers [64],
// lazy Adam on the embedding rows and dense Adam (3.7M parameters), wasm backend.
// Throughput = samples / wall time of a window of BENCH_STEPS steps (fit's progress events); the
// first BENCH_WARMUP windows are dropped; median (min..max) of the remaining BENCH_WINDOWS. Also
// the process CPU time per step (all threads, coordinator included): on a shared machine wall time
// is inflated by other processes, CPU time much less; CPU time / threads bounds the step time an
// idle machine with that many cores would reach.
// Run: pnpm --filter @dtrn/trainer build && node bench/parallel.bench.mjs
// Env: BENCH_WINDOWS=5 BENCH_STEPS=4 BENCH_WARMUP=2 BENCH_RUNS=fit,1,2 (fit = one thread; n = n workers)
import '@tensorflow/tfjs-backend-wasm';
import { createModel } from '@dtrn/model';
import * as tf from '@tensorflow/tfjs-core';
import { fit } from '../dist/index.js';
import { fitParallel } from '../dist/node.js';

const windows = Number(process.env.BENCH_WINDOWS ?? 5);
const stepsPerWindow = Number(process.env.BENCH_STEPS ?? 4);
const warmup = Number(process.env.BENCH_WARMUP ?? 2);
const runs = (process.env.BENCH_RUNS ?? 'fit,1,2').split(',');
const B = 1024;
const numFields = 20;
const vocabulary = 10_000;
const L = 50;
const numBehaviors = 3;
const d = 16;

await tf.setBackend('wasm');
await tf.ready();

let seed = 12345;
function random() {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
}

const schema = {
  idSpaces: Array.from({ length: numFields }, (_, f) => ({
    name: f === 0 ? 'item' : `f${f}`,
    size: vocabulary,
    oov: 'error',
  })),
  sparseFields: Array.from({ length: numFields }, (_, f) => ({
    name: f === 0 ? 'target_item' : `field_${f}`,
    idSpace: f === 0 ? 'item' : `f${f}`,
  })),
  denseFields: [],
  sequences: {
    behaviors: ['click', 'cart', 'order'].map((name) => ({ name, maxLength: L })),
    itemIdSpace: 'item',
    sideFields: [],
    targetField: 'target_item',
  },
  tasks: [{ name: 'click' }, { name: 'conversion' }],
};
const modelArgs = {
  bottom: 'shared',
  sequenceEncoder: 'mean-pool',
  head: 'mmoe',
  headArgs: { numExperts: 4, expertUnits: [256, 128], towerUnits: [64] },
  embeddingDim: d,
};

function makeBatch(size) {
  const id = () => 1 + Math.floor(random() * (vocabulary - 1));
  const sparse = Array.from({ length: numFields }, () => Int32Array.from({ length: size }, id));
  const sequences = Array.from({ length: numBehaviors }, () => {
    const items = new Int32Array(size * L);
    for (let b = 0; b < size; b++) {
      const length = Math.floor(random() * (L + 1));
      for (let l = L - length; l < L; l++) items[b * L + l] = id();
    }
    return { items, sideFields: [], maxLength: L };
  });
  const click = Float32Array.from({ length: size }, () => (random() < 0.3 ? 1 : 0));
  const conversion = Float32Array.from({ length: size }, (_, i) => (click[i] && random() < 0.3 ? 1 : 0));
  return { size, sparse, dense: [], sequences, labels: [click, conversion], sampleMasks: [undefined, click] };
}

const distinct = Array.from({ length: 8 }, () => makeBatch(B));
const totalSteps = (warmup + windows) * stepsPerWindow;
/** TrainingBatches cycling over 8 batches (restartable, like a dataset's). */
const source = {
  batchesPerEpoch: totalSteps,
  *epoch(_epoch, start) {
    for (let i = start; i < totalSteps; i++) yield distinct[i % distinct.length];
  },
};

const options = { epochs: 1, earlyStopping: false, progressEverySteps: stepsPerWindow, seed: 1 };

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function summarise(name, rates, cpuPerStep, threads) {
  const measured = rates.slice(warmup);
  const cpu = median(cpuPerStep.slice(warmup));
  const sorted = [...measured].sort((a, b) => a - b);
  const rate = sorted[Math.floor(sorted.length / 2)];
  console.log(
    `${name.padEnd(24)} ${Math.round(rate).toLocaleString('en-US').padStart(7)} samples/s  ` +
      `(${Math.round(sorted[0]).toLocaleString('en-US')}..${Math.round(sorted.at(-1)).toLocaleString('en-US')})  ` +
      `CPU ${cpu.toFixed(0)} ms/step over ${threads} thread(s) -> idle-machine bound ${Math.round((B * 1000 * threads) / cpu).toLocaleString('en-US')} samples/s`,
  );
  return rate;
}

const parameters = (() => {
  const model = createModel(schema, modelArgs);
  const count = model.parameterCount();
  model.dispose();
  return count;
})();
console.log(
  `MMoE: ${parameters.dense.toLocaleString('en-US')} dense + ${parameters.embedding.toLocaleString('en-US')} embedding parameters; batch ${B}; ${windows} windows after ${warmup} warm-up`,
);

const results = {};
for (const run of runs) {
  const rates = [];
  const cpuPerStep = [];
  let cpuMark = process.cpuUsage();
  const onProgress = (event) => {
    rates.push(event.samplesPerSecond);
    const used = process.cpuUsage(cpuMark);
    cpuMark = process.cpuUsage();
    cpuPerStep.push((used.user + used.system) / 1000 / stepsPerWindow);
  };
  if (run === 'fit') {
    const model = createModel(schema, modelArgs);
    await fit(model, source, null, { ...options, onProgress });
    model.dispose();
    results.fit = summarise('fit (one thread, wasm)', rates, cpuPerStep, 1);
  } else {
    const workers = Number(run);
    const spec = {
      module: import.meta.resolve('@dtrn/model'),
      exportName: 'createModel',
      args: [schema, modelArgs],
    };
    await fitParallel(spec, source, null, { ...options, workers, backend: 'wasm', onProgress });
    results[run] = summarise(
      `fitParallel, ${workers} worker${workers > 1 ? 's' : ''}`,
      rates,
      cpuPerStep,
      workers,
    );
  }
}
if (results.fit && results['2'])
  console.log(`speed-up of 2 workers over one thread: ${(results['2'] / results.fit).toFixed(2)}x`);
