// Serving speed: ONNX Runtime (onnxruntime-node, CPU) on the exported graph against dtrn's own
// `predict` on tfjs wasm, in one process, on the same batches, windows interleaved.
// Configurations (packages/model/bench): the MMoE configuration (20 sparse fields of 10,000
// ids, three mean-pooled sequences of length 50, d = 16, MMoE 4 experts [256, 128], towers [64]) and
// DTRN in front of the same head (TIM 1 block, 2 heads, DIN pooling; TRM).
// Per variant: samples/s of scoring one batch of B rows, median over windows; for ONNX Runtime with
// 1 and 2 intra-op threads, `run` alone and `from Batch` (including the int32 -> int64 feeds).
// Run: pnpm --filter @dtrn/onnx bench (after pnpm build)
// Env: BENCH_WINDOWS=7 BENCH_B=1024 BENCH_MODELS=mmoe,dtrn
import '@tensorflow/tfjs-backend-wasm';
import { createModel } from '@dtrn/model';
import { cpuModel, loadAverage, median, timedAsync } from '@dtrn/tooling/bench';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import {
  d,
  MMOE_HEAD,
  mmoeModelArgs,
  mmoeSchema,
  randomFeatures,
  seededRandom,
} from '../../model/bench/mmoe-config.mjs';
import { batchToOnnxInputs, exportOnnx } from '../dist/index.js';

const windows = Number(process.env.BENCH_WINDOWS ?? 7);
const B = Number(process.env.BENCH_B ?? 1024);
const models = (process.env.BENCH_MODELS ?? 'mmoe,dtrn').split(',');
/** Wall time per window, at least this long (more calls for fast variants). */
const WINDOW_MS = 600;

await tf.setBackend('wasm');
await tf.ready();

const random = seededRandom(12345); // the batches' ids, then the weights

const schema = mmoeSchema();

/** B rows of the configuration: random ids, sequences of random length (padding first). */
function makeBatch(size) {
  const { sparse, sequences } = randomFeatures(random, size);
  const labels = [0, 1].map(() => new Float32Array(size));
  return { size, sparse, dense: [], sequences, labels, sampleMasks: [undefined, undefined] };
}

const ARGS = {
  mmoe: mmoeModelArgs,
  dtrn: { bottom: 'dtrn', head: 'mmoe', headArgs: MMOE_HEAD, embeddingDim: d },
};

/** Random weights (trained-looking magnitudes) so no part of the graph is trivially constant. */
function randomize(model) {
  for (const { variable } of model.namedWeights()) {
    const scale = Math.sqrt(2 / (variable.shape[0] + (variable.shape[1] ?? 1)));
    const values = Float32Array.from({ length: variable.size }, () => (random() * 2 - 1) * scale);
    const tensor = tf.tensor(values, variable.shape);
    variable.assign(tensor);
    tensor.dispose();
  }
  for (const table of model.embeddingTables()) {
    table.write(
      Float32Array.from({ length: table.rows * table.dim }, (_, i) =>
        i < table.dim ? 0 : (random() - 0.5) * 0.2,
      ),
    );
  }
}

function feedsOf(metadata, batch) {
  const feeds = {};
  for (const [name, t] of Object.entries(batchToOnnxInputs(metadata, schema, batch))) {
    feeds[name] = new ort.Tensor(t.type, t.data, [...t.dims]);
  }
  return feeds;
}

/** Calls of `fn` (async allowed) for at least WINDOW_MS; returns samples/s by wall and CPU time. */
async function window(fn) {
  let calls = 0;
  const { wall, cpu } = await timedAsync(async () => {
    const start = performance.now();
    while (performance.now() - start < WINDOW_MS || calls < 2) {
      await fn();
      calls++;
    }
  });
  return { wall: (calls * B * 1000) / wall, cpu: (calls * B * 1000) / cpu };
}

async function benchModel(name) {
  const model = createModel(schema, ARGS[name]);
  randomize(model);
  const batch = makeBatch(B);
  const exported = exportOnnx(model);
  const sessions = {};
  for (const [key, threads, spinning] of [
    ['1', 1, '1'],
    ['2', 2, '1'],
    ['2-no-spin', 2, '0'],
  ]) {
    sessions[key] = await ort.InferenceSession.create(exported.bytes, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // Idle intra-op threads spin by default; on a shared machine that burns the other engineers' core.
      extra: { session: { intra_op: { allow_spinning: spinning } } },
    });
  }
  const feeds = feedsOf(exported.metadata, batch);
  // Parity on this batch (the tests check 1e-5 on every preset).
  const expected = model.predict(batch);
  const got = await sessions['1'].run(feeds);
  let maxDiff = 0;
  model.taskNames.forEach((task, k) => {
    const values = got[task].data;
    for (let i = 0; i < B; i++) maxDiff = Math.max(maxDiff, Math.abs(values[i] - expected[k][i]));
  });
  const variants = {
    'dtrn predict (tfjs wasm)': () => model.predict(batch),
    'ORT 1 thread, run': () => sessions['1'].run(feeds),
    'ORT 1 thread, from Batch': () => sessions['1'].run(feedsOf(exported.metadata, batch)),
    'ORT 2 threads, run': () => sessions['2'].run(feeds),
    'ORT 2 threads, from Batch': () => sessions['2'].run(feedsOf(exported.metadata, batch)),
    'ORT 2 threads without spinning, from Batch': () =>
      sessions['2-no-spin'].run(feedsOf(exported.metadata, batch)),
  };
  for (const fn of Object.values(variants)) await fn(); // warm-up
  const samples = Object.fromEntries(Object.keys(variants).map((key) => [key, []]));
  for (let w = 0; w < windows; w++) {
    for (const [key, fn] of Object.entries(variants)) samples[key].push(await window(fn)); // interleaved
  }
  for (const session of Object.values(sessions)) await session.release();
  model.dispose();
  const base = median(samples['dtrn predict (tfjs wasm)'].map((s) => s.wall));
  const rows = Object.entries(samples).map(([key, list]) => {
    const wall = median(list.map((s) => s.wall));
    const cpu = median(list.map((s) => s.cpu));
    return `| ${name} | ${key} | ${Math.round(wall).toLocaleString('en')} | ${Math.round(cpu).toLocaleString('en')} | ${(wall / base).toFixed(2)}x |`;
  });
  return { rows, maxDiff, bytes: exported.bytes.length };
}

const load = () => loadAverage(1);
console.log(
  `# @dtrn/onnx serving bench: B = ${B}, median of ${windows} interleaved windows of >= ${WINDOW_MS} ms; ${cpuModel()}; onnxruntime-node ${ort.env.versions.node}; load average at start ${load()}`,
);
console.log('| config | variant | samples/s (wall) | samples/s (CPU time) | vs dtrn predict (wall) |');
console.log('| --- | --- | ---: | ---: | ---: |');
const notes = [];
for (const name of models) {
  const { rows, maxDiff, bytes } = await benchModel(name);
  for (const row of rows) console.log(row);
  notes.push(
    `${name}: graph ${(bytes / 2 ** 20).toFixed(1)} MiB, max |ORT - predict| ${maxDiff.toExponential(1)}`,
  );
}
console.log(`${notes.join('; ')}; load average at end ${load()}`);
