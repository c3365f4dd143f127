// Profile of one MMoE training step (the benchmark configuration of model.bench.mjs): JS-side phases
// timed with performance.now (prepare = EmbeddingBank gathers and pooling; gradients = tfjs forward
// and backward; row updates = reading the input gradients back and splitting them per table;
// applyGradients = duplicate sums, lazy initialisation and lazy Adam; dense Adam), then the top
// kernels of tf.profile over one step, with their shapes.
// Run: pnpm --filter @dtrn/model build && node bench/profile-step.mjs
// Env: BENCH_STEPS=20 (timed steps after 3 warm-up steps), BENCH_KERNELS=25
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { createModel } from '../dist/index.js';
import { bce } from './bce.mjs';
import { L, median, mmoeModelArgs, mmoeSchema, numBehaviors, numFields, vocabulary } from './mmoe-config.mjs';

const steps = Number(process.env.BENCH_STEPS ?? 20);
const topKernels = Number(process.env.BENCH_KERNELS ?? 25);
const B = 1024;
await tf.setBackend('wasm');
await tf.ready();

let seed = 12345;
const random = () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
const id = () => 1 + Math.floor(random() * (vocabulary - 1));
const batch = {
  size: B,
  sparse: Array.from({ length: numFields }, () => Int32Array.from({ length: B }, id)),
  dense: [],
  sequences: Array.from({ length: numBehaviors }, () => {
    const items = new Int32Array(B * L);
    for (let b = 0; b < B; b++) {
      const length = Math.floor(random() * (L + 1));
      for (let l = L - length; l < L; l++) items[b * L + l] = id();
    }
    return { items, sideFields: [], maxLength: L };
  }),
  labels: [0, 1].map(() => Float32Array.from({ length: B }, () => (random() < 0.3 ? 1 : 0))),
  sampleMasks: [undefined, undefined],
};

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
const info = await tf.profile(() => step(false));
const byKey = new Map();
for (const k of info.kernels) {
  const key = `${k.name} ${k.inputShapes.map((s) => `[${s}]`).join(' ')}`;
  const entry = byKey.get(key) ?? { ms: 0, count: 0 };
  entry.ms += k.kernelTimeMs;
  entry.count++;
  byKey.set(key, entry);
}
const byName = new Map();
for (const k of info.kernels) byName.set(k.name, (byName.get(k.name) ?? 0) + k.kernelTimeMs);
const total = info.kernels.reduce((s, k) => s + k.kernelTimeMs, 0);
console.log(`kernels: ${info.kernels.length}, kernel time ${total.toFixed(1)} ms`);
console.log(
  `  by name: ${[...byName]
    .sort((a, b) => b[1] - a[1])
    .map(([n, ms]) => `${n} ${ms.toFixed(1)}`)
    .join(', ')}`,
);
for (const [key, e] of [...byKey].sort((a, b) => b[1].ms - a[1].ms).slice(0, topKernels))
  console.log(`  ${e.ms.toFixed(1).padStart(7)} ms  x${e.count}  ${key}`);
