// Benchmark: TIM forward and forward+backward (gradients of every weight) at B = 1024, K = 3,
// M = 3, L = 50, d = 16 (defaults: 1 block, 2 heads, DIN pooling; valid lengths spread over 0..50),
// today's code against a baseline commit's ("before", built from its sources by
// @dtrn/tooling/bench-baseline), windows interleaved in one process; plus the parameter count
// against K*M independent encoders.
// Run: pnpm --filter @dtrn/hypernet-encoder bench
// Env: BENCH_BATCH=1024 (wasm)  BENCH_CPU_BATCH=64  BENCH_BACKENDS=wasm,cpu  BENCH_WINDOWS=5 (wasm)
// BENCH_CPU_WINDOWS=2
// BENCH_BASELINE_REF=<commit>  BENCH_BASELINE=0 (today's code only)  BENCH_PROFILE=1 (top kernels).
// cpu (a correctness fallback, ~40x slower) runs today's code only. Prints wall and process CPU time.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { interleavedWindows, loadAverage, median, medianTimes } from '@dtrn/tooling/bench';
import { todayAndBaseline } from '@dtrn/tooling/bench-baseline';
import * as tf from '@tensorflow/tfjs-core';
import * as today from '../dist/index.js';

/** The "before" side: this package at the commit before issue 15's TIM work ("today's code" of the issue). */
const BASELINE = {
  packageName: 'hypernet-encoder',
  packageDir: join(dirname(fileURLToPath(import.meta.url)), '..'),
  ref: '65c928eb27f2795906024c1bf240beb95624d469',
};
const backends = (process.env.BENCH_BACKENDS ?? 'wasm,cpu').split(',');
const windowsFor = (backend) =>
  Number(backend === 'cpu' ? (process.env.BENCH_CPU_WINDOWS ?? 2) : (process.env.BENCH_WINDOWS ?? 5));
const batchFor = (backend) =>
  Number(backend === 'cpu' ? (process.env.BENCH_CPU_BATCH ?? 64) : (process.env.BENCH_BATCH ?? 1024));
const length = 50;
const config = { numTasks: 3, numBehaviors: 3, embeddingDim: 16, maxSequenceLength: length, seed: 1 };

function makeInputs(d, batch) {
  const sequences = [];
  const masks = [];
  for (let m = 0; m < config.numBehaviors; m++) {
    sequences.push(tf.randomNormal([batch, length, d], 0, 1, 'float32', 10 + m));
    // Valid suffix lengths spread over 0..L (some rows all padding).
    const values = new Float32Array(batch * length);
    for (let b = 0; b < batch; b++) {
      const valid = (b * 7 + m * 13) % (length + 1);
      for (let i = length - valid; i < length; i++) values[b * length + i] = 1;
    }
    masks.push(tf.tensor2d(values, [batch, length]));
  }
  return { sequences, masks, target: tf.randomNormal([batch, d], 0, 1, 'float32', 99) };
}

console.log(`\nParameters at K = 3, M = 3, d = 16, L_max = ${length} (defaults otherwise)`);
console.log('| encoder | parameters |');
console.log('|---|---:|');
for (const [label, extra] of [
  ['TIM (hypernetwork-conditioned, shared Transformer)', {}],
  ['unconditioned (one shared encoder)', { unconditioned: true }],
]) {
  const args = today.resolveHypernetEncoderArgs({ ...config, ...extra });
  console.log(`| ${label} | ${today.hypernetEncoderParameterCount(args).toLocaleString('en-US')} |`);
}
console.log(
  `| K*M = 9 independent encoders | ${today.independentEncodersParameterCount(today.resolveHypernetEncoderArgs(config)).toLocaleString('en-US')} |`,
);

/** The forward and training step of one encoder (label) from one copy of the package (lib). */
function encoderCase(lib, code, label, extra, inputs) {
  const args = lib.resolveHypernetEncoderArgs({ ...config, ...extra });
  const params = lib.createHypernetEncoderParams(args);
  const variables = Object.values(lib.hypernetEncoderVariables(params));
  const loss = () => tf.sum(tf.stack(lib.hypernetEncoderForward(params, inputs, { training: true }).flat()));
  return {
    code,
    label,
    forward: () => tf.tidy(() => loss().dataSync()),
    step: () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(loss, variables);
        value.dataSync();
        for (const g of Object.values(grads)) g.dataSync();
      }),
    dispose: () => tf.dispose(variables),
  };
}

for (const backend of backends) {
  await tf.setBackend(backend);
  await tf.ready();
  const windows = windowsFor(backend);
  const libs = backend === 'wasm' ? await todayAndBaseline(today, BASELINE) : [['today', today]];
  const batch = batchFor(backend);
  const inputs = makeInputs(config.embeddingDim, batch);
  const cases = [];
  for (const [label, extra] of [
    ['TIM', {}],
    ['unconditioned', { unconditioned: true }],
  ]) {
    for (const [code, lib] of libs) cases.push(encoderCase(lib, code, label, extra, inputs));
  }
  for (const c of cases) {
    c.forward();
    c.step();
  }
  const results = interleavedWindows(cases, ['forward', 'step'], { windows });
  const peaks = [];
  for (const c of cases) peaks.push((await tf.profile(c.step)).peakBytes / 2 ** 20);
  console.log(
    `\n${backend}: B = ${batch}, K = 3, M = 3, L = ${length}, d = 16; median of ${windows} interleaved windows (1 call each, after warm-up); load average ${loadAverage(1)}`,
  );
  console.log(
    '| encoder | code | forward ms (wall / CPU) | forward+backward ms (wall / CPU) | backward / forward (CPU) | tensor peak MiB (step) |',
  );
  console.log('|---|---|---:|---:|---:|---:|');
  cases.forEach((c, i) => {
    const [f, s] = [medianTimes(results[i].forward), medianTimes(results[i].step)];
    console.log(
      `| ${c.label} | ${c.code} | ${f.wall.toFixed(0)} / ${f.cpu.toFixed(0)} | ${s.wall.toFixed(0)} / ${s.cpu.toFixed(0)} | ${((s.cpu - f.cpu) / f.cpu).toFixed(2)} | ${peaks[i].toFixed(0)} |`,
    );
  });
  if (libs.length === 2) {
    for (let i = 0; i < cases.length; i += 2) {
      const [after, before] = [results[i], results[i + 1]];
      const ratio = (kind, key) => median(after[kind].map((a, w) => before[kind][w][key] / a[key]));
      console.log(
        `${cases[i].label}: before / today (median of per-window ratios): forward ${ratio('forward', 'wall').toFixed(2)}x wall, ${ratio('forward', 'cpu').toFixed(2)}x CPU; forward+backward ${ratio('step', 'wall').toFixed(2)}x wall, ${ratio('step', 'cpu').toFixed(2)}x CPU`,
      );
    }
  }
  if (process.env.BENCH_PROFILE) {
    const profile = await tf.profile(cases[0].step);
    const byKernel = new Map();
    for (const k of profile.kernels) {
      if (k.name === 'unnamed scope') continue; // custom ops: their kernels are listed themselves
      const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
      const entry = byKernel.get(key) ?? { ms: 0, calls: 0 };
      entry.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      entry.calls += 1;
      byKernel.set(key, entry);
    }
    console.log(`\n${backend} TIM (today) forward+backward, top kernels by wall ms (ms, calls):`);
    for (const [name, { ms, calls }] of [...byKernel.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 15))
      console.log(`  ${ms.toFixed(1)} ${calls}x ${name}`);
  }
  for (const c of cases) c.dispose();
  tf.dispose([...inputs.sequences, ...inputs.masks, inputs.target]);
}
