// Benchmark: forward and training step of a 3-layer MLP ([B=1024, 336] -> 256 -> 128 -> 1) with
// three forms of the dense layer, windows interleaved in one process, on wasm and cpu:
// - stock: tf.matMul + tf.add, stock gradients (transposed-operand products);
// - matMul2d + tf.add: explicit transposes then plain products, the bias by tf.sum;
// - linear: one fused product with its bias; gradients packing the narrower operand, the bias
//   gradient sharing that work (dense-ops.ts).
// A training step also updates the weights (plain SGD), so every step sees new weight buffers as
// in training (XNNPACK caches packed weights per buffer).
// Run: pnpm --filter @dtrn/core bench   (median of 7 windows of 5 steps, after warm-up)
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { median, timeWindow } from '@dtrn/tooling/bench';
import * as tf from '@tensorflow/tfjs-core';
import { linear, matMul2d } from '../dist/index.js';

const windows = Number(process.env.BENCH_WINDOWS ?? 7);
const stepsPerWindow = Number(process.env.BENCH_STEPS ?? 5);
const backends = (process.env.BENCH_BACKENDS ?? 'wasm,cpu').split(',');
const sizes = [336, 256, 128, 1];
const batch = 1024;

const FORMS = [
  ['stock tf.matMul + tf.add', (h, { kernel, bias }) => tf.add(tf.matMul(h, kernel), bias)],
  ['matMul2d + tf.add', (h, { kernel, bias }) => tf.add(matMul2d(h, kernel), bias)],
  ['linear', (h, { kernel, bias }) => linear(h, kernel, bias)],
];

function makeForward(layerFn, weights) {
  return (x) => {
    let h = x;
    weights.forEach((layer, i) => {
      h = layerFn(h, layer);
      if (i < weights.length - 1) h = tf.relu(h);
    });
    return tf.mean(h);
  };
}

/** CPU ms per step of fn, one window. */
const windowMs = (fn) => timeWindow(fn, stepsPerWindow).cpu;

for (const backend of backends) {
  await tf.setBackend(backend);
  await tf.ready();
  const x = tf.randomNormal([batch, sizes[0]], 0, 1, 'float32', 1);
  const weights = sizes.slice(1).map((units, i) => ({
    kernel: tf.variable(tf.randomNormal([sizes[i], units], 0, 0.05, 'float32', i + 2)),
    bias: tf.variable(tf.zeros([units])),
  }));
  const variables = weights.flatMap((w) => [w.kernel, w.bias]);
  const optimizer = tf.train.sgd(1e-6);
  const cases = FORMS.map(([name, layerFn]) => {
    const forward = makeForward(layerFn, weights);
    return {
      name,
      forward: () => tf.tidy(() => forward(x).dataSync()),
      train: () => tf.tidy(() => optimizer.minimize(() => forward(x), true, variables).dataSync()),
    };
  });
  const results = cases.map(() => ({ forward: [], train: [] }));
  for (const c of cases) {
    c.forward();
    c.train();
  }
  for (let w = 0; w < windows; w++) {
    for (const [i, c] of cases.entries()) {
      results[i].forward.push(windowMs(c.forward));
      results[i].train.push(windowMs(c.train));
    }
  }
  console.log(
    `\n${backend}: MLP ${sizes.join(' -> ')}, batch ${batch}; CPU ms per step, median of ${windows} interleaved windows x ${stepsPerWindow} steps`,
  );
  console.log('| dense layer | forward ms | training step ms | (step - forward) / forward |');
  console.log('|---|---:|---:|---:|');
  cases.forEach((c, i) => {
    const [f, t] = [median(results[i].forward), median(results[i].train)];
    console.log(`| ${c.name} | ${f.toFixed(2)} | ${t.toFixed(2)} | ${((t - f) / f).toFixed(2)} |`);
  });
  optimizer.dispose();
  tf.dispose([x, ...variables]);
}
