// Benchmark: AUC and GAUC of 10M samples (targets: under 3 s and 2 s on a 2-core machine).
// Run: pnpm --filter @dtrn/metrics bench   (reports the median of 5 timed runs after one warm-up)
import { createRng } from '@dtrn/base';
import { median, timed } from '@dtrn/tooling/bench';
import { auc, gauc } from '../dist/index.js';

const n = Number(process.env.BENCH_SAMPLES ?? 10_000_000);
const repeats = Number(process.env.BENCH_REPEATS ?? 5);
const rng = createRng(1);
const labels = new Float32Array(n);
const scores = new Float32Array(n);
const groups = new Int32Array(n);
for (let i = 0; i < n; i++) {
  const y = rng.next() < 0.1 ? 1 : 0;
  labels[i] = y;
  scores[i] = 1 / (1 + Math.exp(-(rng.normal() + y)));
  groups[i] = rng.int(1_000_000);
}
const scores64 = Float64Array.from(scores, (s, i) => s + (i % 7) * 1e-12);

function time(name, fn) {
  fn();
  const times = [];
  let value;
  for (let r = 0; r < repeats; r++) {
    const run = timed(fn);
    value = run.result;
    times.push(run.wall / 1000);
  }
  const seconds = median(times);
  console.log(
    `${name.padEnd(34)} median ${seconds.toFixed(3)} s  (min ${Math.min(...times).toFixed(3)}, max ${Math.max(...times).toFixed(3)})  value ${JSON.stringify(value)}`,
  );
  return seconds;
}

console.log(
  `metrics benchmark: ${n.toLocaleString('en-US')} samples, ${repeats} timed runs, node ${process.version}`,
);
time('auc (Float32Array scores)', () => auc(labels, scores));
time('auc (Float64Array scores)', () => auc(labels, scores64));
time('auc weighted (Float32Array)', () =>
  auc(
    labels,
    scores,
    labels.map(() => 1),
  ),
);
time('gauc (1M groups)', () => gauc(labels, scores, groups).value);
