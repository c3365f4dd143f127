// Benchmark behind `--workers auto`: one thread (`fit`) against two workers (`fitParallel`) on a
// comparison preset's models, data and batch size (seed 0's synthetic data, its training split).
// Figures are idle-machine estimates from thread CPU times (/proc/thread-self/schedstat, Linux), as
// in @dtrn/trainer's parallel benchmark: fit = the main thread's CPU per step; two workers = per step
// the slowest worker's compute + the slowest worker's apply + the coordinator's time while the
// workers wait. Medians over windows of BENCH_STEPS steps after the first window; the runs follow
// each other (thread CPU times are little affected by other processes; wall times would be).
// Run: pnpm --filter @dtrn/cli build && node bench/workers.bench.mjs
// Env: BENCH_PRESET=quick (or tiny) BENCH_MODELS=mmoe,dtrn-ple BENCH_STEPS=8 BENCH_WINDOWS=4
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import '@tensorflow/tfjs-backend-wasm';
import { splitDataset } from '@dtrn/data';
import { generateMultiBehaviorData, syntheticPreset } from '@dtrn/datasets';
import { createModel, modelPreset } from '@dtrn/model';
import { fit } from '@dtrn/trainer';
import { fitParallel } from '@dtrn/trainer/node';
import * as tf from '@tensorflow/tfjs-core';
import { COMPARE_PRESETS } from '../dist/index.js';

const preset = COMPARE_PRESETS[process.env.BENCH_PRESET ?? 'quick'];
const models = (process.env.BENCH_MODELS ?? 'mmoe,dtrn-ple').split(',');
const steps = Number(process.env.BENCH_STEPS ?? 8);
const windows = Number(process.env.BENCH_WINDOWS ?? 4);
const batchSize = preset.training.batchSize;

await tf.setBackend('wasm');
await tf.ready();
const { data: dataConfig } = preset;
const args = syntheticPreset(dataConfig.setting, dataConfig.size, { ...dataConfig.generator, seed: 0 });
const data = generateMultiBehaviorData(args);
const { train } = splitDataset(data, { by: 'random', fractions: [0.8, 0.1, 0.1], seed: 0 });
const threadCpuMs = () => Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

console.log(
  `preset ${preset.name}: ${data.size} rows, batch ${batchSize}; ${windows} windows of ${steps} steps (first dropped); load average before: ${load()}`,
);
for (const name of models) {
  const family = name.endsWith('shared-bottom') || name === 'single-task' ? 'bottom' : 'experts';
  const perModel = Object.values(preset.perModel ?? {}).find((settings) =>
    family === 'bottom' ? settings.headArgs?.bottomUnits : settings.headArgs?.expertUnits,
  );
  const modelArgs = modelPreset(name, { ...preset.modelOverrides, ...(perModel ?? {}), seed: 0 });
  const options = {
    epochs: 1,
    batchSize,
    earlyStopping: false,
    progressEverySteps: steps,
    seed: 1,
    maxSteps: steps * windows,
  };

  const oneThread = [];
  let mark = threadCpuMs();
  const model = createModel(data.schema, modelArgs);
  await fit(model, train, null, {
    ...options,
    onProgress: () => {
      oneThread.push((threadCpuMs() - mark) / steps);
      mark = threadCpuMs();
    },
  });
  model.dispose();

  const twoWorkers = [];
  let timings = [];
  const worst = (phases) => Math.max(...phases.map((phase) => phase.cpuMs));
  await fitParallel(
    { module: import.meta.resolve('@dtrn/model'), exportName: 'createModel', args: [data.schema, modelArgs] },
    train,
    null,
    {
      ...options,
      workers: 2,
      backend: 'wasm',
      onStepTiming: (timing) => timings.push(timing),
      onProgress: () => {
        const coordinator = median(timings.slice(1).map((t) => t.coordinator.cpuMs));
        twoWorkers.push(median(timings.map((t) => worst(t.compute) + worst(t.apply))) + coordinator);
        timings = [];
      },
    },
  );
  const one = median(oneThread.slice(1));
  const two = median(twoWorkers.slice(1));
  console.log(
    `${name}: fit ${one.toFixed(1)} ms per step, 2 workers ${two.toFixed(1)} ms (idle-machine estimates) -> ${(one / two).toFixed(2)}x`,
  );
}
console.log(`load average after: ${load()}`);
