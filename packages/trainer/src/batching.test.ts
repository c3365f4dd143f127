import { describe, expect, it } from 'vitest';
import { datasetBatches, isTrainingBatches } from './batching.js';
import { tinyDataset } from './testing/tiny-data.js';

describe('datasetBatches', () => {
  const data = tinyDataset({ size: 50 });
  const users = (epoch: number, start: number, source = datasetBatches(data, { batchSize: 8, seed: 4 })) =>
    [...source.epoch(epoch, start)].map((batch) => Array.from(batch.sparse[0]!));

  it('orders rows as a pure function of (seed, epoch), restartable at any batch', () => {
    const epoch0 = users(0, 0);
    expect(epoch0).toHaveLength(7); // 6 full batches and one of 2 rows
    expect(epoch0.at(-1)).toHaveLength(2);
    expect(users(0, 0)).toEqual(epoch0);
    expect(users(0, 3)).toEqual(epoch0.slice(3));
    expect(users(1, 0)).not.toEqual(epoch0);
    expect(users(0, 0, datasetBatches(data, { batchSize: 8, seed: 5 }))).not.toEqual(epoch0);
    expect(epoch0.flat().sort()).toEqual(Array.from(data.sparse[0]!).sort());
  });

  it('keeps row order without shuffling and can drop the last batch', () => {
    const source = datasetBatches(data, { batchSize: 8, shuffle: false, dropLast: true });
    expect(source.batchesPerEpoch).toBe(6);
    const first = [...source.epoch(3, 0)][0]!;
    expect(Array.from(first.labels[0]!)).toEqual(Array.from(data.labels[0]!.subarray(0, 8)));
    expect(first.sampleMasks[1]).toBeDefined();
    expect(first.groups).toBeDefined();
    expect(isTrainingBatches(source)).toBe(true);
    expect(isTrainingBatches(data)).toBe(false);
  });

  it('rejects bad sizes', () => {
    expect(() => datasetBatches(data, { batchSize: 0 })).toThrow('batchSize is invalid');
    expect(() => datasetBatches(data, { batchSize: 64, dropLast: true })).toThrow(
      'batchSize is larger than the dataset with dropLast (expected batchSize <= 50, found 64)',
    );
  });
});
