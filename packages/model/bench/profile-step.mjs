// Profile of one MMoE training step (the benchmark configuration of model.bench.mjs): the phases in
// process CPU time (prepare = EmbeddingBank gathers and pooling; gradients = tfjs forward and
// backward; row updates = reading the input gradients back as row updates; applyGradients =
// duplicate sums, lazy initialisation and lazy Adam; dense Adam = tf.train.adam), then the CPU time
// of every kernel by name and shape over BENCH_STEPS steps (each wasm kernel function wrapped with
// process.cpuUsage; tf.profile's wall-clock kernel times are inflated on a shared machine and count
// customGrad scopes twice).
// Run: pnpm --filter @dtrn/model build && node bench/profile-step.mjs
// Env: BENCH_STEPS=20 (timed steps after 3 warm-up steps; as many again for the kernels), BENCH_KERNELS=25
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';
import { median } from '@dtrn/tooling/bench';
import * as tf from '@tensorflow/tfjs-core';
import { createModel } from '../dist/index.js';
import { bce } from './bce.mjs';
import { mmoeModelArgs, mmoeSchema, randomBatchMaker } from './mmoe-config.mjs';

const steps = Number(process.env.BENCH_STEPS ?? 20);
const topKernels = Number(process.env.BENCH_KERNELS ?? 25);
const B = 1024;
await tf.setBackend('wasm');
await tf.ready();

// Kernel CPU times: every wasm kernel function wrapped (only while `timing` is on).
const kernelTimes = new Map();
let timing = false;
for (const kernel of tf.getKernelsForBackend('wasm')) {
  const run = kernel.kernelFunc;
  kernel.kernelFunc = (args) => {
    if (!timing) return run(args);
    const start = process.cpuUsage();
    const out = run(args);
    const used = process.cpuUsage(start);
    const key = `${kernel.kernelName} ${Object.values(args.inputs)
      .map((x) => (x ? `[${x.shape}]` : '(none)')) // optional inputs (e.g. a fused bias) may be absent
      .join(' ')}`;
    const entry = kernelTimes.get(key) ?? { ms: 0, count: 0 };
    entry.ms += (used.user + used.system) / 1000;
    entry.count++;
    kernelTimes.set(key, entry);
    return out;
  };
}

const batch = randomBatchMaker(12345)(B);

const model = createModel(mmoeSchema(), mmoeModelArgs);
const optimizer = tf.train.adam(0.001);
const variables = [...model.variableGroups.shared, ...model.variableGroups.perTask.flat()];
const phases = { prepare: [], gradients: [], rowUpdates: [], applyGradients: [], denseAdam: [], total: [] };
let updatesInfo = '';
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
function step(record) {
  const t0 = cpuNow();
  const prepared = model.prepare(batch, { training: true });
  const t1 = cpuNow();
  const { value, grads } = tf
    .engine()
    .gradients(
      () => bce(model.forward(prepared, { training: true }), batch.labels),
      [...prepared.sparseInputs, ...variables],
    );
  value.dataSync();
  const t2 = cpuNow();
  const n = prepared.sparseInputs.length;
  const updates = prepared.rowUpdates(grads.slice(0, n));
  const t3 = cpuNow();
  model.applyRowUpdates(updates);
  const t4 = cpuNow();
  optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: grads[n + i] })));
  tf.dispose([value, ...grads]);
  prepared.dispose();
  const t5 = cpuNow();
  if (record) {
    phases.prepare.push(t1 - t0);
    phases.gradients.push(t2 - t1);
    phases.rowUpdates.push(t3 - t2);
    phases.applyGradients.push(t4 - t3);
    phases.denseAdam.push(t5 - t4);
    phases.total.push(t5 - t0);
    updatesInfo = `${updates.reduce((s, u) => s + u.ids.length, 0)} row gradients in ${updates.length} updates`;
  }
}
for (let i = 0; i < 3; i++) step(false);
const cpu0 = process.cpuUsage();
for (let i = 0; i < steps; i++) step(true);
const cpu = process.cpuUsage(cpu0);
console.log(
  `MMoE step, wasm, batch ${B}: median of ${steps} steps (process CPU ms per phase); ${updatesInfo}`,
);
for (const [name, values] of Object.entries(phases))
  console.log(`  ${name.padEnd(16)} ${median(values).toFixed(1)}`);
console.log(`  CPU per step     ${((cpu.user + cpu.system) / 1000 / steps).toFixed(1)}`);
timing = true;
for (let i = 0; i < steps; i++) step(false);
timing = false;
const byName = new Map();
let kernelMs = 0;
let kernelCount = 0;
for (const [key, e] of kernelTimes) {
  const name = key.split(' ')[0];
  byName.set(name, (byName.get(name) ?? 0) + e.ms);
  kernelMs += e.ms;
  kernelCount += e.count;
}
console.log(
  `kernels: ${kernelCount / steps} per step, ${(kernelMs / steps).toFixed(1)} ms CPU per step (the rest of "gradients" is tfjs's JS: tape, tidy, dispatch)`,
);
console.log(
  `  by name (ms per step): ${[...byName]
    .sort((a, b) => b[1] - a[1])
    .map(([n, ms]) => `${n} ${(ms / steps).toFixed(1)}`)
    .join(', ')}`,
);
for (const [key, e] of [...kernelTimes].sort((a, b) => b[1].ms - a[1].ms).slice(0, topKernels))
  console.log(`  ${(e.ms / steps).toFixed(2).padStart(7)} ms  x${e.count / steps}  ${key}`);
