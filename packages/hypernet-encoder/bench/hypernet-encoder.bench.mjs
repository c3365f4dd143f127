// Benchmark: TIM forward and forward+backward at B = 1024, K = 3, M = 3, L = 50, d = 16 (defaults:
// 1 block, 2 heads, DIN pooling), on wasm and cpu; plus the parameter count against K*M independent
// encoders. Run: pnpm --filter @dtrn/hypernet-encoder bench
// Env: BENCH_BATCH=1024  BENCH_BACKENDS=wasm,cpu  BENCH_WINDOWS=5 (wasm)  BENCH_CPU_WINDOWS=2
// BENCH_PROFILE=1 (top kernels by name and input shapes). Prints wall and process CPU time.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import {
  createHypernetEncoderParams,
  hypernetEncoderForward,
  hypernetEncoderParameterCount,
  hypernetEncoderVariables,
  independentEncodersParameterCount,
  resolveHypernetEncoderArgs,
} from '../dist/index.js';

const backends = (process.env.BENCH_BACKENDS ?? 'wasm,cpu').split(',');
const windowsFor = (backend) =>
  Number(backend === 'cpu' ? (process.env.BENCH_CPU_WINDOWS ?? 2) : (process.env.BENCH_WINDOWS ?? 5));
const batch = Number(process.env.BENCH_BATCH ?? 1024);
const length = 50;
const config = { numTasks: 3, numBehaviors: 3, embeddingDim: 16, maxSequenceLength: length, seed: 1 };

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// Wall time and this process's CPU time per window: on a shared machine the CPU time is the steadier
// figure (it excludes time spent waiting for a core), the wall time the one a user sees.
function time(fn, windows) {
  fn(); // warm-up
  const wall = [];
  const cpu = [];
  for (let w = 0; w < windows; w++) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    fn();
    const used = process.cpuUsage(startCpu);
    wall.push(performance.now() - start);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

/** Size of the wasm heap (it only grows), or undefined on other backends. */
function wasmHeapMiB() {
  const heap = tf.backend().wasm?.HEAPU8;
  return heap ? heap.buffer.byteLength / 2 ** 20 : undefined;
}

function makeInputs(d) {
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

// Parameter efficiency table.
console.log(`\nParameters at K = 3, M = 3, d = 16, L_max = ${length} (defaults otherwise)`);
console.log('| encoder | parameters |');
console.log('|---|---:|');
for (const [label, extra] of [
  ['TIM (hypernetwork-conditioned, shared Transformer)', {}],
  ['unconditioned (one shared encoder)', { unconditioned: true }],
]) {
  console.log(
    `| ${label} | ${hypernetEncoderParameterCount(resolveHypernetEncoderArgs({ ...config, ...extra })).toLocaleString('en-US')} |`,
  );
}
console.log(
  `| K*M = 9 independent encoders | ${independentEncodersParameterCount(resolveHypernetEncoderArgs(config)).toLocaleString('en-US')} |`,
);

for (const backend of backends) {
  await tf.setBackend(backend);
  await tf.ready();
  const windows = windowsFor(backend);
  const rows = [];
  for (const [label, extra] of [
    ['TIM', {}],
    ['unconditioned', { unconditioned: true }],
  ]) {
    const args = resolveHypernetEncoderArgs({ ...config, ...extra });
    const params = createHypernetEncoderParams(args);
    const variables = Object.values(hypernetEncoderVariables(params));
    const inputs = makeInputs(args.embeddingDim);
    const loss = () => tf.sum(tf.stack(hypernetEncoderForward(params, inputs, { training: true }).flat()));
    const forward = time(() => tf.tidy(() => loss().dataSync()), windows);
    const step = () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(loss, variables);
        value.dataSync();
        for (const g of Object.values(grads)) g.dataSync();
      });
    const train = time(step, windows);
    rows.push({ label, forward, train, heap: wasmHeapMiB() });
    if (process.env.BENCH_PROFILE) {
      const profile = await tf.profile(step);
      // Kernel wall time summed per kernel name and input shapes (nested scopes counted again).
      const byKernel = new Map();
      for (const k of profile.kernels) {
        const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
        const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
        const entry = byKernel.get(key) ?? { ms: 0, calls: 0 };
        entry.ms += ms;
        entry.calls += 1;
        byKernel.set(key, entry);
      }
      const top = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15);
      console.log(
        `\n${backend} ${label} forward+backward: peak ${(profile.peakBytes / 2 ** 20).toFixed(0)} MiB of tensors; top kernels (ms, calls):`,
      );
      for (const [name, { ms, calls }] of top) console.log(`  ${ms.toFixed(1)} ${calls}x ${name}`);
    }
    tf.dispose([...variables, ...inputs.sequences, ...inputs.masks, inputs.target]);
  }
  console.log(
    `\n${backend}: B = ${batch}, K = 3, M = 3, L = ${length}, d = 16; median of ${windows} windows (1 step each, after warm-up)`,
  );
  console.log(
    '| encoder | forward ms (wall / cpu) | forward+backward ms (wall / cpu) | backward / forward (cpu) | wasm heap MiB |',
  );
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) {
    const ratio = (r.train.cpu - r.forward.cpu) / r.forward.cpu;
    console.log(
      `| ${r.label} | ${r.forward.wall.toFixed(0)} / ${r.forward.cpu.toFixed(0)} | ${r.train.wall.toFixed(0)} / ${r.train.cpu.toFixed(0)} | ${ratio.toFixed(2)} | ${r.heap === undefined ? '-' : r.heap.toFixed(0)} |`,
    );
  }
}
