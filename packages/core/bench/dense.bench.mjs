// Benchmark: forward and forward+backward of a 3-layer MLP ([B=1024, 336] -> 256 -> 128 -> 1),
// stock tf.matMul gradient against matMul2d (explicit transposes), on wasm and cpu.
// Run: pnpm --filter @dtrn/core bench   (median of 7 timed windows of 5 steps, after warm-up)
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { matMul2d } from '../dist/index.js';

const windows = Number(process.env.BENCH_WINDOWS ?? 7);
const stepsPerWindow = Number(process.env.BENCH_STEPS ?? 5);
const backends = (process.env.BENCH_BACKENDS ?? 'wasm,cpu').split(',');
const sizes = [336, 256, 128, 1];
const batch = 1024;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function makeForward(matMul, weights) {
  return (x) => {
    let h = x;
    weights.forEach(({ kernel, bias }, i) => {
      h = tf.add(matMul(h, kernel), bias);
      if (i < weights.length - 1) h = tf.relu(h);
    });
    return tf.mean(h);
  };
}

function time(fn) {
  fn();
  const results = [];
  for (let w = 0; w < windows; w++) {
    const start = performance.now();
    for (let s = 0; s < stepsPerWindow; s++) fn();
    results.push((performance.now() - start) / stepsPerWindow);
  }
  return median(results);
}

for (const backend of backends) {
  await tf.setBackend(backend);
  await tf.ready();
  const x = tf.randomNormal([batch, sizes[0]], 0, 1, 'float32', 1);
  const weights = sizes.slice(1).map((units, i) => ({
    kernel: tf.variable(tf.randomNormal([sizes[i], units], 0, 0.05, 'float32', i + 2)),
    bias: tf.variable(tf.zeros([units])),
  }));
  const variables = weights.flatMap((w) => [w.kernel, w.bias]);
  const rows = [];
  for (const [name, matMul] of [
    ['stock tf.matMul', (a, b) => tf.matMul(a, b)],
    ['matMul2d', matMul2d],
  ]) {
    const forward = makeForward(matMul, weights);
    const forwardMs = time(() => tf.tidy(() => forward(x).dataSync()));
    const trainMs = time(() =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => forward(x), variables);
        value.dataSync();
        for (const g of Object.values(grads)) g.dataSync();
      }),
    );
    rows.push({ name, forwardMs, trainMs });
  }
  console.log(
    `\n${backend}: MLP ${sizes.join(' -> ')}, batch ${batch}; median of ${windows} windows x ${stepsPerWindow} steps`,
  );
  console.log('| matMul | forward ms | forward+backward ms | backward / forward |');
  console.log('|---|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${r.forwardMs.toFixed(2)} | ${r.trainMs.toFixed(2)} | ${((r.trainMs - r.forwardMs) / r.forwardMs).toFixed(2)} |`,
    );
  }
  tf.dispose([x, ...variables]);
}
