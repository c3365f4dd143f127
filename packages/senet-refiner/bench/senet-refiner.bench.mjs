// Benchmark: TRM forward and forward+backward at B = 1024, K = 3 tasks, M = 3 behaviors, F = 20 shared
// fields (N = 23), d = 16, DTRN's input form (shared [B, F, d] + K x M interests [B, d]), for both
// excitation strategies (per-task 2-D dense loop, batched matMul). On wasm today's code runs against
// a baseline commit's ("before", built from its sources by @dtrn/tooling/bench-baseline), windows
// interleaved in one process; cpu runs today's code. The backward pass differentiates with respect to
// the weights and the inputs (the embeddings and TIM interests).
// Run: pnpm --filter @dtrn/senet-refiner bench   (median of 7 windows of 5 steps, after warm-up)
// Env: BENCH_BACKENDS=wasm,cpu  BENCH_WINDOWS=7  BENCH_STEPS=5  BENCH_BASELINE_REF=<commit>
//      BENCH_BASELINE=0 (today's code only)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { interleavedWindows, loadAverage, medianTimes } from '@dtrn/tooling/bench';
import { todayAndBaseline } from '@dtrn/tooling/bench-baseline';
import * as tf from '@tensorflow/tfjs-core';
import * as today from '../dist/index.js';

/** The "before" side: this package at the commit before issue 15's DTRN step work ("today's code" of the issue). */
const BASELINE = {
  packageName: 'senet-refiner',
  packageDir: join(dirname(fileURLToPath(import.meta.url)), '..'),
  ref: '65c928eb27f2795906024c1bf240beb95624d469',
};
const windows = Number(process.env.BENCH_WINDOWS ?? 7);
const stepsPerWindow = Number(process.env.BENCH_STEPS ?? 5);
const backends = (process.env.BENCH_BACKENDS ?? 'wasm,cpu').split(',');
const batch = 1024;
const numTasks = 3;
const numBehaviors = 3;
const numShared = 20;
const embeddingDim = 16;

/** The forward and training step of one strategy, from one copy of the package. */
function trmCase(lib, code, strategy, shared, interests) {
  const args = lib.resolveSenetRefinerArgs({
    numTasks,
    numFields: numShared + numBehaviors,
    embeddingDim,
    startUniform: false,
    seed: 1,
  });
  const params = lib.createSenetRefinerParams(args);
  const variables = Object.values(lib.senetRefinerVariables(params));
  const run = (s, u, training) =>
    lib.senetRefinerForward(params, { shared: s, interests: u }, { training, strategy });
  // Differentiated with respect to [shared, ...interests, ...variables]; the variables are read through params.
  const loss = (s, ...rest) => {
    const flat = rest.slice(0, numTasks * numBehaviors);
    const u = Array.from({ length: numTasks }, (_, k) =>
      flat.slice(k * numBehaviors, (k + 1) * numBehaviors),
    );
    return tf.addN(run(s, u, true).bottoms.map((x) => tf.sum(x))); // cheap loss: its gradient is a fill
  };
  const differentiated = [shared, ...interests.flat(), ...variables];
  return {
    code,
    strategy,
    forward: () =>
      tf.tidy(() => {
        const out = run(shared, interests, false);
        for (const t of [...out.bottoms, ...out.fieldWeights]) t.dataSync();
      }),
    step: () =>
      tf.tidy(() => {
        const { value, grads } = tf.valueAndGrads(loss)(differentiated);
        value.dataSync();
        for (const g of grads) g.dataSync();
      }),
    dispose: () => tf.dispose(variables),
  };
}

for (const backend of backends) {
  await tf.setBackend(backend);
  await tf.ready();
  const libs = backend === 'wasm' ? await todayAndBaseline(today, BASELINE) : [['today', today]];
  const shared = tf.randomNormal([batch, numShared, embeddingDim], 0, 1, 'float32', 1);
  const interests = Array.from({ length: numTasks }, (_, k) =>
    Array.from({ length: numBehaviors }, (_, m) =>
      tf.randomNormal([batch, embeddingDim], 0, 1, 'float32', 10 + k * numBehaviors + m),
    ),
  );
  const cases = [];
  for (const strategy of ['perTask', 'batched']) {
    for (const [code, lib] of libs) cases.push(trmCase(lib, code, strategy, shared, interests));
  }
  for (const c of cases) {
    c.forward();
    c.step();
  }
  const results = interleavedWindows(cases, ['forward', 'step'], { windows, steps: stepsPerWindow });
  console.log(
    `\n${backend}: TRM B=${batch} K=${numTasks} F=${numShared} M=${numBehaviors} N=${numShared + numBehaviors} d=${embeddingDim}; median of ${windows} interleaved windows x ${stepsPerWindow} steps; load average ${loadAverage(1)}`,
  );
  console.log(
    '| strategy | code | forward ms (CPU ms) | forward+backward ms (CPU ms) | backward / forward (CPU) |',
  );
  console.log('|---|---|---:|---:|---:|');
  cases.forEach((c, i) => {
    const pick = (kind, key) => medianTimes(results[i][kind])[key];
    const ratio = (pick('step', 'cpu') - pick('forward', 'cpu')) / pick('forward', 'cpu');
    console.log(
      `| ${c.strategy} | ${c.code} | ${pick('forward', 'wall').toFixed(1)} (${pick('forward', 'cpu').toFixed(1)}) | ${pick('step', 'wall').toFixed(1)} (${pick('step', 'cpu').toFixed(1)}) | ${ratio.toFixed(2)} |`,
    );
  });
  for (const c of cases) c.dispose();
  tf.dispose([shared, ...interests.flat()]);
}
