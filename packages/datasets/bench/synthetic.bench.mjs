// Benchmark of the synthetic generators: generation time (median of timed runs after one warm-up)
// of the multi-behavior presets (target: demo, 500k rows with three sequences of length 50, under
// 20 s; tiny under 1 s), the MMoE generator, and the oracle AUCs of every setting at the small size.
// Run: pnpm --filter @dtrn/datasets build && pnpm --filter @dtrn/datasets bench
//   (or: node --expose-gc packages/datasets/bench/synthetic.bench.mjs)
// Env: BENCH_SIZES=tiny,small,demo (default), BENCH_REPEATS (default 3; tiny uses 5), BENCH_ORACLES=0 to skip AUCs.
import { timed } from '@dtrn/tooling/bench';
import { generateMmoeData, generateMultiBehaviorData, oracleReport, syntheticPreset } from '../dist/index.js';

const sizes = (process.env.BENCH_SIZES ?? 'tiny,small,demo').split(',');
const repeats = Number(process.env.BENCH_REPEATS ?? 3);
const collect = () => globalThis.gc?.();

function time(name, runs, fn) {
  collect();
  fn();
  const times = [];
  for (let r = 0; r < runs; r++) {
    collect();
    const { wall, cpu } = timed(fn);
    times.push({ wall: wall / 1000, cpu: cpu / 1000 });
  }
  times.sort((a, b) => a.wall - b.wall);
  const median = times[Math.floor(times.length / 2)];
  const rss = process.memoryUsage().rss / 2 ** 20;
  console.log(
    `${name.padEnd(44)} median ${median.wall.toFixed(2)} s wall, ${median.cpu.toFixed(2)} s cpu  ` +
      `(min ${times[0].wall.toFixed(2)}, max ${times.at(-1).wall.toFixed(2)})  rss ${rss.toFixed(0)} MiB`,
  );
}

/** Exact tie-aware AUC by ranks (kept local: @dtrn/datasets does not depend on @dtrn/metrics). */
function auc(labels, scores) {
  const order = Array.from(scores.keys()).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]] === scores[order[start]]) end++;
    for (let i = start; i <= end; i++) {
      if (labels[order[i]] === 1) {
        positives++;
        rankSum += (start + end) / 2 + 1;
      }
    }
    start = end + 1;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * (order.length - positives));
}

console.log(
  `synthetic generators benchmark, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
);
for (const size of sizes) {
  const runs = size === 'tiny' ? Math.max(5, repeats) : repeats;
  time(`multi-behavior full-conflict/${size} (${runs} runs)`, runs, () =>
    generateMultiBehaviorData(syntheticPreset('full-conflict', size)),
  );
}
time('mmoe 100k x 100, binarised (3 runs)', 3, () =>
  generateMmoeData({ numSamples: 100_000, inputDim: 100, correlation: 0.5, binarise: true }),
);

if (process.env.BENCH_ORACLES !== '0') {
  console.log(
    '\noracle AUCs (small size, seed 0): task: oracle / no-user-item / sequence-only / no-sequence',
  );
  for (const setting of ['control', 'gate-friendly', 'sequence-conflict', 'full-conflict']) {
    const dataset = generateMultiBehaviorData(syntheticPreset(setting, 'small'));
    const cells = oracleReport(dataset).map((task) => {
      const kinds = ['oracle', 'oracle-no-user-item', 'oracle-sequence-only', 'oracle-no-sequence'];
      return `${task.task} ${kinds.map((kind) => auc(task.labels, task.logits[kind]).toFixed(3)).join(' / ')}`;
    });
    console.log(`${setting.padEnd(18)} ${cells.join('   ')}`);
  }
}
