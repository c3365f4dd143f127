import { describe, expect, it } from 'vitest';
import { batches, countBatches, epochOrder, resolveBatchArgs } from './batches.js';
import { concatDatasets } from './concat-datasets.js';
import { listColumns } from './map-columns.js';
import { takeRows } from './take-rows.js';
import { tinyDataset } from './testing/index.js';
import { validateDataset } from './validate-dataset.js';

const columnsOf = (ds: Parameters<typeof listColumns>[0]) =>
  listColumns(ds).map((ref) => Array.from(ref.column));

describe('batches', () => {
  const ds = tinyDataset(23);

  it('yields views in row order, keeping the last partial batch', () => {
    const list = [...batches(ds, { batchSize: 10 })];
    expect(list.map((batch) => batch.size)).toEqual([10, 10, 3]);
    expect(list[1]!.sparse[0]!.buffer).toBe(ds.sparse[0]!.buffer);
    expect(Array.from(list[2]!.timestamps!)).toEqual([20, 21, 22]);
    expect(list[2]!.sequences[0]!.items.length).toBe(12);
    expect(list[2]!.groups).toBe(list[2]!.sparse[0]);
    expect(columnsOf(concatDatasets(list))).toEqual(columnsOf(ds));
    expect([...batches(ds, { batchSize: 10, dropLast: true })].map((b) => b.size)).toEqual([10, 10]);
    expect(countBatches(23, 10)).toBe(3);
    expect(countBatches(23, 10, true)).toBe(2);
  });

  it('shuffles by (seed, epoch) only, covering every row once, with gathered copies', () => {
    const first = [...batches(ds, { batchSize: 5, shuffle: true, seed: 3, epoch: 1 })];
    const again = [...batches(ds, { batchSize: 5, shuffle: true, seed: 3, epoch: 1 })];
    const otherEpoch = [...batches(ds, { batchSize: 5, shuffle: true, seed: 3, epoch: 2 })];
    expect(first.map((b) => b.size)).toEqual([5, 5, 5, 5, 3]);
    expect(first.map((b) => Array.from(b.timestamps!))).toEqual(again.map((b) => Array.from(b.timestamps!)));
    const rowsSeen = first.flatMap((b) => Array.from(b.timestamps!));
    expect(rowsSeen).not.toEqual(otherEpoch.flatMap((b) => Array.from(b.timestamps!)));
    expect([...rowsSeen].sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(first[0]!.sparse[0]!.buffer).not.toBe(ds.sparse[0]!.buffer);
    // Each batch is exactly the rows of the epoch order.
    const order = epochOrder(23, 3, 1);
    expect(columnsOf(first[1]!)).toEqual(columnsOf(takeRows(ds, order.subarray(5, 10))));
    for (const batch of first) validateDataset(batch);
  });

  it('resumes at startBatch with the same batches', () => {
    const all = [...batches(ds, { batchSize: 4, shuffle: true, seed: 9 })];
    const resumed = [...batches(ds, { batchSize: 4, shuffle: true, seed: 9, startBatch: 4 })];
    expect(resumed.map(columnsOf)).toEqual(all.slice(4).map(columnsOf));
    expect([...batches(ds, { batchSize: 4, startBatch: 99 })]).toEqual([]);
  });

  it('validates its arguments strictly', () => {
    expect(() => resolveBatchArgs({ batchSize: 0 })).toThrow(
      'BatchArgs.batchSize is invalid (expected an integer >= 1, found 0)',
    );
    expect(() => resolveBatchArgs({ batchSize: 2, shufle: true })).toThrow('did you mean "shuffle"?');
    expect(() => [...batches(ds, { batchSize: 2, epoch: -1 })]).toThrow('BatchArgs.epoch is invalid');
    expect(resolveBatchArgs({ batchSize: 8 })).toEqual({
      batchSize: 8,
      shuffle: false,
      seed: 0,
      epoch: 0,
      startBatch: 0,
      dropLast: false,
    });
  });
});
