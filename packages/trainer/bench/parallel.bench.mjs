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
// Env: BENCH_WINDOWS=5 BENCH_STEPS=4 BENCH_WARMUP=2 BENCH_RUNS=fit,1,2,2s
// (fit = one thread; n = n workers with replicated embeddings, sharedEmbeddings: false;
//  ns = n workers sharing one set of embedding rows, sharedEmbeddings: true)
import '@tensorflow/tfjs-backend-wasm';
import { createModel } from '@dtrn/model';
import * as tf from '@tensorflow/tfjs-core';
import { fit } from '../dist/index.js';
import { fitParallel } from '../dist/node.js';
import { batchMaker, cyclingSource, modelArgs, schema } from './mmoe-config.mjs';

const windows = Number(process.env.BENCH_WINDOWS ?? 5);
const stepsPerWindow = Number(process.env.BENCH_STEPS ?? 4);
const warmup = Number(process.env.BENCH_WARMUP ?? 2);
const runs = (process.env.BENCH_RUNS ?? 'fit,1,2,2s').split(',');
const B = 1024;

await tf.setBackend('wasm');
await tf.ready();

const makeBatch = batchMaker(12345);
const distinct = Array.from({ length: 8 }, () => makeBatch(B));
const totalSteps = (warmup + windows) * stepsPerWindow;
const source = cyclingSource(distinct, totalSteps);

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
    `${name.padEnd(32)} ${Math.round(rate).toLocaleString('en-US').padStart(7)} samples/s  ` +
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
    const shared = run.endsWith('s');
    const workers = Number(shared ? run.slice(0, -1) : run);
    const spec = {
      module: import.meta.resolve('@dtrn/model'),
      exportName: 'createModel',
      args: [schema, modelArgs],
    };
    await fitParallel(spec, source, null, {
      ...options,
      workers,
      backend: 'wasm',
      sharedEmbeddings: shared,
      onProgress,
    });
    results[run] = summarise(
      `fitParallel, ${workers} worker${workers > 1 ? 's' : ''}${shared ? ', shared' : ''}`,
      rates,
      cpuPerStep,
      workers,
    );
  }
}
for (const run of ['2', '2s']) {
  if (results.fit && results[run]) {
    const mode = run === '2s' ? 'shared embeddings' : 'replicated embeddings';
    console.log(
      `speed-up of 2 workers (${mode}) over one thread: ${(results[run] / results.fit).toFixed(2)}x`,
    );
  }
}
