// Benchmark: forward and forward+backward of every built-in head with its default arguments at
// B = 1024, K = 3 tasks, input width 368 (N = 23 fields x d = 16), on wasm and cpu.
// Two input modes: "baseline" (one tensor passed as every task input and the shared input) and
// "dtrn" (K distinct task inputs plus a distinct shared input).
// Run: pnpm --filter @dtrn/mtl-heads bench
//   env: BENCH_BACKENDS=wasm,cpu  BENCH_HEADS=shared-bottom,mmoe,ple  BENCH_MODES=baseline,dtrn
//        BENCH_WINDOWS / BENCH_STEPS (default wasm 5 x 3, cpu 3 x 1); median of the windows.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { median, timeWindows } from '@dtrn/tooling/bench';
import * as tf from '@tensorflow/tfjs-core';
import { allHeadVariables, getHead } from '../dist/index.js';

const backends = (process.env.BENCH_BACKENDS ?? 'wasm,cpu').split(',');
const headNames = (process.env.BENCH_HEADS ?? 'shared-bottom,mmoe,ple').split(',');
const modes = (process.env.BENCH_MODES ?? 'baseline,dtrn').split(',');
const batch = 1024;
const numTasks = 3;
const inputDim = 23 * 16;

/** Wall ms per call of fn: the median of `windows` windows of `steps` calls, after one warm-up call. */
function time(fn, windows, steps) {
  fn();
  return median(timeWindows(fn, { windows, steps }).wall);
}

const rows = [];
for (const backend of backends) {
  await tf.setBackend(backend);
  await tf.ready();
  const windows = Number(process.env.BENCH_WINDOWS ?? (backend === 'cpu' ? 3 : 5));
  const steps = Number(process.env.BENCH_STEPS ?? (backend === 'cpu' ? 1 : 3));
  for (const name of headNames) {
    const head = getHead(name);
    const args = head.resolveArgs({ numTasks, inputDim });
    const params = head.createParams(args);
    const variables = Object.values(allHeadVariables(head.variables(params)));
    for (const mode of modes) {
      const shared = tf.randomNormal([batch, inputDim], 0, 1, 'float32', 1);
      const taskInputs =
        mode === 'baseline'
          ? Array.from({ length: numTasks }, () => shared)
          : Array.from({ length: numTasks }, (_, k) =>
              tf.randomNormal([batch, inputDim], 0, 1, 'float32', k + 2),
            );
      const inputs = { taskInputs, sharedInput: shared };
      const loss = () =>
        tf.addN(
          head.forward(params, inputs, args, { training: false }).logits.map((logit) => tf.mean(logit)),
        );
      const forwardMs = time(() => tf.tidy(() => loss().dataSync()), windows, steps);
      const trainMs = time(
        () =>
          tf.tidy(() => {
            const { value, grads } = tf.variableGrads(loss, variables);
            value.dataSync();
            for (const g of Object.values(grads)) g.dataSync();
          }),
        windows,
        steps,
      );
      rows.push({ backend, name, mode, parameters: head.parameterCount(args), forwardMs, trainMs });
      console.error(
        `${backend} ${name} ${mode}: forward ${forwardMs.toFixed(1)} ms, forward+backward ${trainMs.toFixed(1)} ms`,
      );
      tf.dispose(mode === 'baseline' ? [shared] : [shared, ...taskInputs]);
    }
    tf.dispose(variables);
  }
}

console.log(
  `\nB = ${batch}, K = ${numTasks}, input width ${inputDim}, default head arguments; median of windows`,
);
console.log(
  '| backend | head | inputs | parameters | forward ms | forward+backward ms | backward / forward |',
);
console.log('|---|---|---|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.backend} | ${r.name} | ${r.mode} | ${r.parameters.toLocaleString('en-US')} | ${r.forwardMs.toFixed(1)} | ${r.trainMs.toFixed(1)} | ${((r.trainMs - r.forwardMs) / r.forwardMs).toFixed(2)} |`,
  );
}
