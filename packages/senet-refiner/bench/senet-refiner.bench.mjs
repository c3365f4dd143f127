// Benchmark: TRM forward and forward+backward at B = 1024, K = 3 tasks, M = 3 behaviors, F = 20 shared
// fields (N = 23), d = 16, DTRN's input form (shared [B, F, d] + K x M interests [B, d]), for both
// excitation strategies (per-task 2-D dense loop, batched matMul), on wasm and cpu. The backward pass
// differentiates with respect to the weights and the inputs (the embeddings and TIM interests).
// Run: pnpm --filter @dtrn/senet-refiner bench   (median of 7 windows of 5 steps, after warm-up)
// Env: BENCH_BACKENDS=wasm,cpu  BENCH_WINDOWS=7  BENCH_STEPS=5  BENCH_PROFILE=1 (top backward kernels)
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import {
  createSenetRefinerParams,
  resolveSenetRefinerArgs,
  senetRefinerForward,
  senetRefinerVariables,
} from '../dist/index.js';

const windows = Number(process.env.BENCH_WINDOWS ?? 7);
const stepsPerWindow = Number(process.env.BENCH_STEPS ?? 5);
const backends = (process.env.BENCH_BACKENDS ?? 'wasm,cpu').split(',');
const profile = process.env.BENCH_PROFILE === '1';
const batch = 1024;
const numTasks = 3;
const numBehaviors = 3;
const numShared = 20;
const embeddingDim = 16;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// Wall time and process CPU time per step. On a shared machine the CPU time is the steadier figure:
// it does not count the time the process waits for a core (tfjs runs on one thread here).
function time(fn) {
  fn();
  const wall = [];
  const cpu = [];
  for (let w = 0; w < windows; w++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    for (let s = 0; s < stepsPerWindow; s++) fn();
    const used = process.cpuUsage(cpuStart);
    wall.push((performance.now() - start) / stepsPerWindow);
    cpu.push((used.user + used.system) / 1000 / stepsPerWindow);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

// Kernel time of a training step by kernel name, summed over `repeats` profiled steps (kernel times
// are wall-clock, so on a busy machine only the ranking is meaningful).
async function topKernels(fn, count = 6, repeats = 5) {
  const byName = new Map();
  for (let r = 0; r < repeats; r++) {
    const info = await tf.profile(fn);
    for (const kernel of info.kernels) {
      const ms = typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : 0;
      byName.set(kernel.name, (byName.get(kernel.name) ?? 0) + ms / repeats);
    }
  }
  return [...byName.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, ms]) => `${name} ${ms.toFixed(1)} ms`)
    .join(', ');
}

const args = resolveSenetRefinerArgs({
  numTasks,
  numFields: numShared + numBehaviors,
  embeddingDim,
  startUniform: false,
  seed: 1,
});

for (const backend of backends) {
  await tf.setBackend(backend);
  await tf.ready();
  const params = createSenetRefinerParams(args);
  const variables = Object.values(senetRefinerVariables(params));
  const shared = tf.randomNormal([batch, numShared, embeddingDim], 0, 1, 'float32', 1);
  const interests = Array.from({ length: numTasks }, (_, k) =>
    Array.from({ length: numBehaviors }, (_, m) =>
      tf.randomNormal([batch, embeddingDim], 0, 1, 'float32', 10 + k * numBehaviors + m),
    ),
  );
  const inputs = [shared, ...interests.flat()];
  const rows = [];
  for (const strategy of ['perTask', 'batched']) {
    const run = (s, u, training) =>
      senetRefinerForward(params, { shared: s, interests: u }, { training, strategy });
    // Differentiated with respect to [...inputs, ...variables]; the variables are read through params.
    const loss = (s, ...rest) => {
      const flat = rest.slice(0, numTasks * numBehaviors);
      const u = Array.from({ length: numTasks }, (_, k) =>
        flat.slice(k * numBehaviors, (k + 1) * numBehaviors),
      );
      const out = run(s, u, true);
      return tf.addN(out.bottoms.map((x) => tf.sum(x))); // cheap loss: its gradient is a fill
    };
    const forward = time(() =>
      tf.tidy(() => {
        const out = run(shared, interests, false);
        for (const t of [...out.bottoms, ...out.fieldWeights]) t.dataSync();
      }),
    );
    const differentiated = [...inputs, ...variables];
    const step = () =>
      tf.tidy(() => {
        const { value, grads } = tf.valueAndGrads(loss)(differentiated);
        value.dataSync();
        for (const g of grads) g.dataSync();
      });
    const train = time(step);
    const kernels = profile ? await topKernels(() => tf.dispose(tf.grads(loss)(differentiated))) : '';
    rows.push({ strategy, forward, train, kernels });
  }
  console.log(
    `\n${backend}: TRM B=${batch} K=${numTasks} F=${numShared} M=${numBehaviors} N=${args.numFields} d=${embeddingDim}; median of ${windows} windows x ${stepsPerWindow} steps`,
  );
  console.log('| strategy | forward ms (CPU ms) | forward+backward ms (CPU ms) | backward / forward (CPU) |');
  console.log('|---|---:|---:|---:|');
  for (const r of rows) {
    const ratio = (r.train.cpu - r.forward.cpu) / r.forward.cpu;
    console.log(
      `| ${r.strategy} | ${r.forward.wall.toFixed(1)} (${r.forward.cpu.toFixed(1)}) | ${r.train.wall.toFixed(1)} (${r.train.cpu.toFixed(1)}) | ${ratio.toFixed(2)} |`,
    );
  }
  if (profile) {
    for (const r of rows) console.log(`${r.strategy}: top kernels of a training step: ${r.kernels}`);
  }
  tf.dispose([...inputs, ...variables]);
}
