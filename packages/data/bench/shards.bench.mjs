// Benchmark: write and read prepared shards of a 500k-row dataset with three behavior sequences of
// length 50 (item + category per element), 4 sparse fields, 2 dense fields, 2 tasks.
// Run: pnpm --filter @dtrn/datasets build && node bench/shards.bench.mjs
// (BENCH_ROWS, BENCH_REPEATS, BENCH_ROWS_PER_SHARD override the sizes; reports medians.)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@dtrn/base';
import { median, timedAsync } from '@dtrn/tooling/bench';
import { createEmptyDataset, sampleMasksFor, sliceRows, validateSchema } from '../dist/index.js';
import { iterateShards, readShards, ShardWriter, writeShards } from '../dist/node.js';

const rows = Number(process.env.BENCH_ROWS ?? 500_000);
const repeats = Number(process.env.BENCH_REPEATS ?? 3);
const rowsPerShard = Number(process.env.BENCH_ROWS_PER_SHARD ?? 100_000);
const length = 50;

const schema = validateSchema({
  idSpaces: [
    { name: 'user', size: 100_002, oov: 'reserved' },
    { name: 'item', size: 50_002, oov: 'reserved' },
    { name: 'category', size: 1_002, oov: 'reserved' },
  ],
  sparseFields: [
    { name: 'user_id', idSpace: 'user' },
    { name: 'item_id', idSpace: 'item' },
    { name: 'item_category', idSpace: 'category' },
    { name: 'context', idSpace: 'category' },
  ],
  denseFields: [{ name: 'price' }, { name: 'age_days' }],
  sequences: {
    behaviors: ['clicks', 'carts', 'orders'].map((name) => ({ name, maxLength: length })),
    itemIdSpace: 'item',
    sideFields: [{ name: 'category', idSpace: 'category' }],
    targetField: 'item_id',
  },
  tasks: [{ name: 'click' }, { name: 'conversion', sampleSpace: { positiveOf: 'click' } }],
  groupField: 'user_id',
});

const rng = createRng(7);
const dataset = createEmptyDataset(schema, rows, { timestamps: true });
for (let row = 0; row < rows; row++) {
  dataset.sparse[0][row] = 2 + rng.int(100_000);
  dataset.sparse[1][row] = 2 + rng.int(50_000);
  dataset.sparse[2][row] = 2 + rng.int(1_000);
  dataset.sparse[3][row] = 2 + rng.int(1_000);
  dataset.dense[0][row] = rng.next();
  dataset.dense[1][row] = rng.int(1000);
  for (const sequence of dataset.sequences) {
    const used = rng.int(length + 1);
    for (let position = length - used; position < length; position++) {
      sequence.items[row * length + position] = 2 + rng.int(50_000);
      sequence.sideFields[0][row * length + position] = 2 + rng.int(1_000);
    }
  }
  const click = rng.next() < 0.2 ? 1 : 0;
  dataset.labels[0][row] = click;
  dataset.labels[1][row] = click && rng.next() < 0.1 ? 1 : 0;
  dataset.timestamps[row] = row;
}
sampleMasksFor(schema, dataset.labels, dataset.sampleMasks);

async function time(name, bytes, fn) {
  const seconds = [];
  for (let r = 0; r < repeats; r++) {
    globalThis.gc?.();
    seconds.push((await timedAsync(fn)).wall / 1000);
  }
  const s = median(seconds);
  console.log(
    `${name.padEnd(40)} median ${s.toFixed(3)} s  ${Math.round(rows / s)
      .toLocaleString('en-US')
      .padStart(
        11,
      )} rows/s  ${(bytes / 2 ** 20 / s).toFixed(0).padStart(5)} MiB/s  (min ${Math.min(...seconds).toFixed(3)}, max ${Math.max(...seconds).toFixed(3)})`,
  );
}

const dir = await mkdtemp(join(tmpdir(), 'dtrn-shards-bench-'));
try {
  let manifest;
  const first = await writeShards(dataset, dir, { rowsPerShard, overwrite: true, validate: false });
  const bytes = first.shards.reduce((sum, shard) => sum + shard.byteLength, 0);
  console.log(
    `shards benchmark: ${rows.toLocaleString('en-US')} rows, 3 sequences x ${length}, ${first.shards.length} shards, ${(bytes / 2 ** 20).toFixed(0)} MiB on disk, ${repeats} timed runs, node ${process.version}`,
  );
  await time('writeShards (validate: false)', bytes, async () => {
    manifest = await writeShards(dataset, dir, { rowsPerShard, overwrite: true, validate: false });
  });
  await time('writeShards (validate: true)', bytes, async () => {
    manifest = await writeShards(dataset, dir, { rowsPerShard, overwrite: true });
  });
  await time('ShardWriter.append of 4096-row batches', bytes, async () => {
    const writer = await ShardWriter.open(dir, schema, { rowsPerShard, overwrite: true, validate: false });
    for (let start = 0; start < rows; start += 4096) {
      await writer.append(sliceRows(dataset, start, Math.min(rows, start + 4096)));
    }
    manifest = await writer.close();
  });
  await time('readShards (checksums verified)', bytes, async () => {
    const read = await readShards(dir);
    if (read.size !== rows) throw new Error('row count mismatch');
  });
  await time('readShards (verifyChecksums: false)', bytes, async () => {
    await readShards(dir, { verifyChecksums: false });
  });
  await time('iterateShards (streaming, verified)', bytes, async () => {
    let seen = 0;
    for await (const part of iterateShards(dir)) seen += part.size;
    if (seen !== rows) throw new Error('row count mismatch');
  });
  if (manifest.rows !== rows) throw new Error('manifest row count mismatch');
} finally {
  await rm(dir, { recursive: true, force: true });
}
