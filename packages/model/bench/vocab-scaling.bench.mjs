// Benchmark: does a training step's time depend on the vocabulary? The MMoE configuration
// (batch 1024, target item + three sequences of 50 in one `item` table, 19 other sparse fields, d = 16,
// MMoE 4 experts [256, 128], towers [64], mean-pooled sequences, lazy Adam rows + tf.train.adam) with
// the 19 fields sharing one `field` table, both tables at 10^4 and at 10^7 rows. Ids are Zipf(1.1),
// Zipf(1.1) over only 10^4 ids (so the distinct rows per step stay equal and only the table grows), or
// uniform (core's bench/ids.mjs, scattered over the table); every step draws a new batch, so rows the
// Zipf tail touches for the first time are initialised inside the measured steps, as in training.
// Windows of the four cases are interleaved so machine load hits them alike; the table gives CPU ms
// per step (process.cpuUsage; one tfjs thread) and wall ms, medians of BENCH_WINDOWS windows.
// Run: pnpm --filter @dtrn/model build && node bench/vocab-scaling.bench.mjs
// Env: BENCH_WINDOWS=5 BENCH_STEPS=3 BENCH_VOCABS=10000,10000000 BENCH_DISTRIBUTIONS=zipf,zipf-1e4,uniform
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers'; // registers the op gradients
import { createRng } from '@dtrn/base';
import * as tf from '@tensorflow/tfjs-core';
import { makeIds } from '../../core/bench/ids.mjs';
import { createModel } from '../dist/index.js';
import { bce } from './bce.mjs';
import { L, median, mmoeModelArgs, mmoeSchema, numBehaviors, numFields } from './mmoe-config.mjs';

const windows = Number(process.env.BENCH_WINDOWS ?? 5);
const stepsPerWindow = Number(process.env.BENCH_STEPS ?? 3);
const vocabularies = (process.env.BENCH_VOCABS ?? '10000,10000000').split(',').map(Number);
const distributions = (process.env.BENCH_DISTRIBUTIONS ?? 'zipf,zipf-1e4,uniform').split(',');
const LABELS = { zipf: 'Zipf(1.1)', 'zipf-1e4': 'Zipf(1.1) over 10^4 ids', uniform: 'uniform' };
const B = 1024;

await tf.setBackend('wasm');
await tf.ready();

/** One batch: the target and every sequence position draw from one id stream of the `item` table. */
function makeBatch(rows, distribution, rng) {
  const items = makeIds(B * (1 + numBehaviors * L), rows, distribution, rng);
  const fields = makeIds(B * (numFields - 1), rows, distribution, rng);
  let next = B;
  const sequences = Array.from({ length: numBehaviors }, () => {
    const column = new Int32Array(B * L);
    for (let b = 0; b < B; b++) {
      const length = rng.int(L + 1);
      for (let l = L - length; l < L; l++) column[b * L + l] = items[next++];
    }
    return { items: column, sideFields: [], maxLength: L };
  });
  const sparse = [
    items.slice(0, B),
    ...Array.from({ length: numFields - 1 }, (_, f) => fields.slice(f * B, (f + 1) * B)),
  ];
  const labels = [0, 1].map(() => Float32Array.from({ length: B }, () => (rng.next() < 0.3 ? 1 : 0)));
  const distinct =
    new Set([...sparse[0], ...sequences.flatMap((s) => [...s.items])]).size - 1 + new Set(fields).size;
  return {
    batch: { size: B, sparse, dense: [], sequences, labels, sampleMasks: [undefined, undefined] },
    distinct,
  };
}

function makeCase(rows, distribution) {
  const model = createModel(mmoeSchema({ rows, sharedFieldTable: true }), mmoeModelArgs);
  const optimizer = tf.train.adam(0.001);
  const variables = [...model.variableGroups.shared, ...model.variableGroups.perTask.flat()];
  const rng = createRng(`${rows}/${distribution}`);
  const distinct = [];
  const step = () => {
    const { batch, distinct: rowsTouched } = makeBatch(rows, distribution, rng);
    distinct.push(rowsTouched);
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const prepared = model.prepare(batch, { training: true });
    const { value, grads } = tf
      .engine()
      .gradients(
        () => bce(model.forward(prepared, { training: true }), batch.labels),
        [...prepared.sparseInputs, ...variables],
      );
    const n = prepared.sparseInputs.length;
    prepared.applySparseGradients(grads.slice(0, n));
    optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: grads[n + i] })));
    value.dataSync();
    tf.dispose([value, ...grads]);
    prepared.dispose();
    const used = process.cpuUsage(cpuStart);
    return { wall: performance.now() - start, cpu: (used.user + used.system) / 1000 };
  };
  return {
    name: `${distribution}, ${rows.toExponential(0)} rows`,
    rows,
    distribution,
    step,
    distinct,
    wall: [],
    cpu: [],
  };
}

const cases = distributions.flatMap((distribution) =>
  vocabularies.map((rows) => makeCase(rows, distribution)),
);
for (const c of cases) for (let i = 0; i < 2; i++) c.step(); // warm-up
for (const c of cases) c.distinct.length = 0;
for (let w = 0; w < windows; w++) {
  for (const c of cases) {
    let wall = 0;
    let cpu = 0;
    for (let s = 0; s < stepsPerWindow; s++) {
      const t = c.step();
      wall += t.wall;
      cpu += t.cpu;
    }
    c.wall.push(wall / stepsPerWindow);
    c.cpu.push(cpu / stepsPerWindow);
  }
}

console.log(
  `# training step vs vocabulary: MMoE configuration, wasm, batch ${B}; median of ${windows} interleaved windows of ${stepsPerWindow} steps`,
);
console.log(
  '| ids | rows per table | distinct rows / step | CPU ms / step | wall ms / step | CPU vs 10^4 rows |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const c of cases) {
  const base = cases.find((other) => other.distribution === c.distribution && other.rows === vocabularies[0]);
  console.log(
    `| ${LABELS[c.distribution] ?? c.distribution} | ${c.rows.toLocaleString('en-US')} | ${Math.round(median(c.distinct)).toLocaleString('en-US')} | ${median(c.cpu).toFixed(0)} | ${median(c.wall).toFixed(0)} | ${(median(c.cpu) / median(base.cpu)).toFixed(2)}x |`,
  );
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
