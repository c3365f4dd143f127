// Benchmark: does a training step's time depend on the vocabulary? The issue's MMoE configuration
// (batch 1024, target item + three sequences of 50 in one `item` table, 19 other sparse fields, d = 16,
// MMoE 4 experts [256, 128], towers [64], mean-pooled sequences, lazy Adam rows + tf.train.adam) with
// the 19 fields sharing one `field` table, both tables at 10^4 and at 10^7 rows. Ids are Zipf(1.1),
// Zipf(1.1) over only 10^4 ids (so the distinct rows per step stay equal and only the table grows), or
// uniform (core's bench/ids.mjs, scattered over the table); every step draws a new batch, so rows the
// Zipf tail touches for the first time are initialised inside the measured steps, as in training.
// Windows of the cases are interleaved so machine load hits them alike; the table gives CPU ms per
// step (process.cpuUsage; one tfjs thread) and wall ms, medians of BENCH_WINDOWS windows, and the
// rows each step touches and touches for the first time (counted from the batches' ids).
// Per extra row at 10^7 against 10^4: (CPU step at 10^7 - CPU step at 10^4) / (extra distinct rows)
// and / (extra first-touched rows). Memory: peak RSS, against the floor of one 10^7 model (values and
// two Adam slots of two 10^7 x 16 tables, 3.84 GB) and against what the tables commit here, counted
// from the ids: a row takes 192 bytes (64 of values, 128 of Adam slots); a 10^4-row table keeps row r
// at block r (its pages are all touched at once), a 10^7-row table packs blocks in first-touch order
// (touched rows x 192 bytes) plus the 4-byte index entries of the rows touched (4 KiB pages).
// Run: pnpm --filter @dtrn/model build && node bench/vocab-scaling.bench.mjs
// Env: BENCH_WINDOWS=5 BENCH_STEPS=3 BENCH_VOCABS=10000,10000000 BENCH_DISTRIBUTIONS=zipf,zipf-1e4,uniform
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers'; // registers the op gradients
import { createRng } from '@dtrn/base';
import { loadAverage, median, timed } from '@dtrn/tooling/bench';
import * as tf from '@tensorflow/tfjs-core';
import { makeIds } from '../../core/bench/ids.mjs';
import { createModel } from '../dist/index.js';
import { bce } from './bce.mjs';
import { d, L, mmoeModelArgs, mmoeSchema, numBehaviors, numFields } from './mmoe-config.mjs';

const windows = Number(process.env.BENCH_WINDOWS ?? 5);
const stepsPerWindow = Number(process.env.BENCH_STEPS ?? 3);
const vocabularies = (process.env.BENCH_VOCABS ?? '10000,10000000').split(',').map(Number);
const distributions = (process.env.BENCH_DISTRIBUTIONS ?? 'zipf,zipf-1e4,uniform').split(',');
const LABELS = { zipf: 'Zipf(1.1)', 'zipf-1e4': 'Zipf(1.1) over 10^4 ids', uniform: 'uniform' };
const B = 1024;
const ROW_BYTES = d * 4 * 3; // values + Adam m and v
const PAGE = 4096;
const PLACEMENT_MIN_BYTES = 64 * 2 ** 20; // @dtrn/core: larger tables place rows in first-touch order
const GiB = 2 ** 30;
const load = () => loadAverage(1);

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
  const itemIds = [...sparse[0], ...sequences.flatMap((s) => [...s.items])];
  return {
    batch: { size: B, sparse, dense: [], sequences, labels, sampleMasks: [undefined, undefined] },
    touched: { item: itemIds, field: fields },
  };
}

function makeCase(rows, distribution) {
  const model = createModel(mmoeSchema({ rows, sharedFieldTable: true }), mmoeModelArgs);
  const optimizer = tf.train.adam(0.001);
  const variables = [...model.variableGroups.shared, ...model.variableGroups.perTask.flat()];
  const rng = createRng(`${rows}/${distribution}`);
  const seen = { item: new Set(), field: new Set() };
  const pages = { item: new Set(), field: new Set() };
  const placed = rows * ROW_BYTES > PLACEMENT_MIN_BYTES;
  const stats = { distinct: [], fresh: [] };
  const step = () => {
    const { batch, touched } = makeBatch(rows, distribution, rng);
    let distinct = 0;
    let fresh = 0;
    for (const table of ['item', 'field']) {
      const ids = new Set(touched[table]);
      ids.delete(0);
      distinct += ids.size;
      for (const id of ids) {
        if (seen[table].has(id)) continue;
        seen[table].add(id);
        fresh++;
        if (placed) {
          pages[table].add(Math.floor((id * 4) / PAGE)); // index page
        } else {
          pages[table].add(Math.floor((id * ROW_BYTES) / PAGE));
          pages[table].add(Math.floor((id * ROW_BYTES + ROW_BYTES - 1) / PAGE));
        }
      }
    }
    stats.distinct.push(distinct);
    stats.fresh.push(fresh);
    const { wall, cpu } = timed(() => {
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
    });
    return { wall, cpu };
  };
  return {
    rows,
    distribution,
    step,
    stats,
    committedBytes: () =>
      (pages.item.size + pages.field.size) * PAGE +
      (placed
        ? Math.ceil((seen.item.size * ROW_BYTES) / PAGE) + Math.ceil((seen.field.size * ROW_BYTES) / PAGE)
        : 0) *
        PAGE,
    wall: [],
    cpu: [],
  };
}

console.log(`load average before: ${load()}`);
const cases = distributions.flatMap((distribution) =>
  vocabularies.map((rows) => makeCase(rows, distribution)),
);
const rssBefore = process.memoryUsage().rss;
for (const c of cases) for (let i = 0; i < 2; i++) c.step(); // warm-up
for (const c of cases) {
  c.stats.distinct.length = 0;
  c.stats.fresh.length = 0;
}
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
  '| ids | rows per table | distinct rows / step | first-touched rows / step | CPU ms / step | wall ms / step | CPU vs 10^4 rows | extra CPU µs per extra distinct row | per extra first-touched row |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
for (const c of cases) {
  const base = cases.find((other) => other.distribution === c.distribution && other.rows === vocabularies[0]);
  const extraCpu = (median(c.cpu) - median(base.cpu)) * 1000; // µs
  const extraDistinct = mean(c.stats.distinct) - mean(base.stats.distinct);
  const extraFresh = mean(c.stats.fresh) - mean(base.stats.fresh);
  const per = (extra) => (c === base || extra < 100 ? '' : (extraCpu / extra).toFixed(2));
  console.log(
    `| ${LABELS[c.distribution] ?? c.distribution} | ${c.rows.toLocaleString('en-US')} | ${Math.round(mean(c.stats.distinct)).toLocaleString('en-US')} | ${Math.round(mean(c.stats.fresh)).toLocaleString('en-US')} | ${median(c.cpu).toFixed(0)} | ${median(c.wall).toFixed(0)} | ${(median(c.cpu) / median(base.cpu)).toFixed(2)}x | ${per(extraDistinct)} | ${per(extraFresh)} |`,
  );
}
const peak = process.resourceUsage().maxRSS * 1024;
const committed = cases.reduce((sum, c) => sum + c.committedBytes(), 0);
const floor = 2 * 1e7 * ROW_BYTES;
console.log(
  `peak RSS ${(peak / GiB).toFixed(2)} GiB; before the steps (every model built, tfjs, tables allocated but untouched) ${(rssBefore / GiB).toFixed(2)} GiB; table pages the touched rows live on, all cases: ${(committed / GiB).toFixed(2)} GiB (${cases
    .filter((c) => c.rows >= 1e6)
    .map((c) => `${c.distribution} at ${c.rows.toExponential(0)}: ${(c.committedBytes() / GiB).toFixed(2)}`)
    .join(
      ', ',
    )}); floor of ONE model with two fully touched 10^7 x ${d} tables: ${(floor / GiB).toFixed(2)} GiB`,
);
console.log(`load average after: ${load()}`);
