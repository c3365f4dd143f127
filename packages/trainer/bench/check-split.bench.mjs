// Benchmark: the data check `fit` and `evaluate` run before their first step (`checkSplit`: the
// full `validateDataset`, the row count and the per-task class counts) on a dataset shaped like the
// synthetic `demo` size: 500k rows, 3 behavior sequences of 50 items with 4 side fields each,
// 6 sparse fields, 2 dense fields, click and conversion-on-click, groups (~1.6 GB of columns).
// Reports the median of BENCH_REPEATS timed runs and the cost per million cells.
// Run: pnpm --filter @dtrn/trainer build && node bench/check-split.bench.mjs
// Env: BENCH_ROWS=500000 BENCH_REPEATS=5
import { createRng } from '@dtrn/base';
import { sampleMasksFor, validateSchema } from '@dtrn/data';
import { median, timed } from '@dtrn/tooling/bench';
import { checkSplit } from '../dist/index.js';

const rows = Number(process.env.BENCH_ROWS ?? 500_000);
const repeats = Number(process.env.BENCH_REPEATS ?? 5);
const length = 50;
const sides = ['category', 'brand', 'price_bucket', 'shop'];

const schema = validateSchema({
  idSpaces: [
    { name: 'user', size: 20_001, oov: 'reserved' },
    { name: 'item', size: 5_001, oov: 'reserved' },
    ...sides.map((name) => ({ name, size: 101, oov: 'reserved' })),
  ],
  sparseFields: [
    { name: 'user_id', idSpace: 'user' },
    { name: 'item_id', idSpace: 'item' },
    ...sides.map((name) => ({ name: `item_${name}`, idSpace: name })),
  ],
  denseFields: [{ name: 'price' }, { name: 'age_days' }],
  sequences: {
    behaviors: ['clicks', 'carts', 'orders'].map((name) => ({ name, maxLength: length })),
    itemIdSpace: 'item',
    sideFields: sides.map((name) => ({ name, idSpace: name })),
    targetField: 'item_id',
  },
  tasks: [{ name: 'click' }, { name: 'conversion', sampleSpace: { positiveOf: 'click' } }],
  groupField: 'user_id',
});

const rng = createRng(7);
const ids = (size, count) => Int32Array.from({ length: count }, () => 1 + rng.int(size - 1));
const sparse = [ids(20_001, rows), ids(5_001, rows), ...sides.map(() => ids(101, rows))];
const sequences = schema.sequences.behaviors.map(() => {
  const items = new Int32Array(rows * length);
  const sideFields = sides.map(() => new Int32Array(rows * length));
  for (let row = 0; row < rows; row++) {
    const start = rng.int(length + 1); // left padding
    for (let p = row * length + start; p < (row + 1) * length; p++) {
      items[p] = 1 + rng.int(5_000);
      for (const side of sideFields) side[p] = 1 + rng.int(100);
    }
  }
  return { items, sideFields, maxLength: length };
});
const click = Float32Array.from({ length: rows }, () => (rng.next() < 0.1 ? 1 : 0));
const conversion = click.map((c) => (c === 1 && rng.next() < 0.2 ? 1 : 0));
const labels = [click, conversion];
const dataset = {
  schema,
  size: rows,
  sparse,
  dense: [0, 1].map(() => Float32Array.from({ length: rows }, () => rng.next() * 100)),
  sequences,
  labels,
  sampleMasks: sampleMasksFor(schema, labels),
  groups: sparse[0].slice(),
};

const cells =
  rows * (sparse.length + 2 + labels.length + 1 + 1) +
  sequences.reduce((n, s) => n + s.items.length * (1 + s.sideFields.length), 0);
const wall = [];
const cpu = [];
for (let i = 0; i < repeats; i++) {
  const run = timed(() => checkSplit(dataset, { name: 'bench split', bothClasses: true }));
  wall.push(run.wall);
  cpu.push(run.cpu);
}
const range = (values) => `${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)}`;
console.log(
  `checkSplit on ${rows} rows (${(cells / 1e6).toFixed(0)}M cells), ${repeats} runs: wall median ${median(wall).toFixed(0)} ms (${range(wall)}), CPU median ${median(cpu).toFixed(0)} ms (${range(cpu)}), ${((median(cpu) / cells) * 1e6).toFixed(1)} ms CPU per million cells`,
);
