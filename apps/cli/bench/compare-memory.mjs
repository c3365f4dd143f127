/**
 * Memory over a comparison: runs `runCompare` (a preset, N seeds) in this process and samples, at
 * fixed phases of every (seed, model) run, the process RSS, the V8 heap, ArrayBuffer memory, the
 * wasm heap (the backend's linear memory, which only ever grows) and tf.memory().
 *
 *   node apps/cli/bench/compare-memory.mjs [--preset quick] [--seeds 5] [--backend wasm] [--out FILE]
 *
 * It calls `runCompare` in this process, so it runs with the allocator the process started with:
 * prefix `MALLOC_MMAP_THRESHOLD_=131072` to measure what the `dtrn` binary does on Linux
 * (src/runtime/allocator.ts), leave it out to measure glibc's adaptive default.
 *
 * Phases: `model-start` (before the model is built), `first-progress` (first progress event,
 * step = progressEverySteps) and `seed-end` (after the last model of a seed); the meaningfulness
 * check's calibration run, if any, is `calibration-*`. Prints one line per sample and, at the end,
 * each phase's RSS seed after seed and its spread over the seeds after the first. Writes the samples
 * as JSON to --out when given. `--gc` (with `node --expose-gc`) collects garbage before each sample.
 */
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { comparePreset, loadDtrnCatalog, runCompare } from '../dist/index.js';

const { values: args } = parseArgs({
  options: {
    preset: { type: 'string', default: 'quick' },
    seeds: { type: 'string', default: '5' },
    backend: { type: 'string', default: 'wasm' },
    out: { type: 'string' },
    gc: { type: 'boolean', default: false },
  },
});

const MB = 1024 * 1024;
const samples = [];

function wasmHeapBytes() {
  const backend = tf.getBackend() ? tf.backend() : null;
  return backend?.wasm?.HEAPU8?.buffer?.byteLength ?? 0;
}

function sample(phase, seed, model) {
  if (args.gc) globalThis.gc?.();
  const usage = process.memoryUsage();
  const memory = tf.getBackend() ? tf.memory() : { numTensors: 0, numBytes: 0 };
  const entry = {
    phase,
    seed,
    model,
    seconds: Math.round(process.uptime()),
    rssMB: +(usage.rss / MB).toFixed(1),
    heapUsedMB: +(usage.heapUsed / MB).toFixed(1),
    heapTotalMB: +(usage.heapTotal / MB).toFixed(1),
    externalMB: +(usage.external / MB).toFixed(1),
    arrayBuffersMB: +(usage.arrayBuffers / MB).toFixed(1),
    wasmHeapMB: +(wasmHeapBytes() / MB).toFixed(1),
    numTensors: memory.numTensors,
    tensorMB: +(memory.numBytes / MB).toFixed(2),
  };
  samples.push(entry);
  console.error(
    `${entry.seconds}s ${phase} seed ${seed} ${model ?? ''}: rss ${entry.rssMB} MB, heap ${entry.heapUsedMB}/${entry.heapTotalMB} MB, external ${entry.externalMB} MB, arrayBuffers ${entry.arrayBuffersMB} MB, wasm ${entry.wasmHeapMB} MB, tensors ${entry.numTensors} (${entry.tensorMB} MB)`,
  );
}

const baseCatalog = await loadDtrnCatalog();
let currentSeed = -1;
let lastModel = null;
let calibrating = false;
const seedsSeen = new Set();
const catalog = {
  ...baseCatalog,
  names: baseCatalog.names,
  create(name, schema, options) {
    if (options.seed !== currentSeed) {
      if (currentSeed !== -1 && !calibrating) sample('seed-end', currentSeed, lastModel);
      calibrating = seedsSeen.has(options.seed);
      seedsSeen.add(options.seed);
      currentSeed = options.seed;
    }
    lastModel = name;
    sample(calibrating ? 'calibration-start' : 'model-start', options.seed, name);
    return baseCatalog.create(name, schema, options);
  },
  baseOf: (name) => baseCatalog.baseOf(name),
  describe: (name) => baseCatalog.describe(name),
  ...(baseCatalog.save ? { save: baseCatalog.save.bind(baseCatalog) } : {}),
};

const out = await mkdtemp(join(tmpdir(), 'dtrn-compare-memory-'));
const config = { ...comparePreset(args.preset), seeds: Number(args.seeds) };
const firstEvent = new Set();
try {
  await runCompare({
    config,
    out: join(out, 'run'),
    catalog,
    backend: args.backend,
    progress: 'quiet',
    onProgress: (_event, model, seed) => {
      const key = `${model}/${seed}`;
      if (firstEvent.has(key)) return;
      firstEvent.add(key);
      sample(calibrating ? 'calibration-progress' : 'first-progress', seed, model);
    },
  });
  if (!calibrating) sample('seed-end', currentSeed, lastModel);
  sample('end', currentSeed, null);
} finally {
  await rm(out, { recursive: true, force: true });
}

const phases = [
  ...new Set(
    samples
      .filter((s) => s.phase.endsWith('start') || s.phase.endsWith('progress') || s.phase === 'seed-end')
      .map((s) => `${s.phase}|${s.model}`),
  ),
].filter((key) => !key.startsWith('calibration'));
console.log('\nRSS (MB) per phase, seed after seed:');
for (const key of phases) {
  const [phase, model] = key.split('|');
  const series = samples.filter((s) => s.phase === phase && s.model === model);
  const later = series.slice(1).map((s) => s.rssMB);
  const spread = later.length > 0 ? Math.max(...later) - Math.min(...later) : 0;
  console.log(
    `${phase.padEnd(15)} ${model.padEnd(20)} ${series.map((s) => s.rssMB.toFixed(0)).join(' ')}  (spread over seeds 2..N: ${spread.toFixed(0)} MB)`,
  );
}
if (args.out) writeFileSync(args.out, `${JSON.stringify(samples, null, 2)}\n`);
