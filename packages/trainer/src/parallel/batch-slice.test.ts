import { describe, expect, it } from 'vitest';
import { parallelDataset } from '../testing/parallel.js';
import { compactBatch, shareBatch, sliceBatch, taskSampleCounts, workerRowRange } from './batch-slice.js';
import {
  createDenseExchange,
  createSparseExchange,
  denseRange,
  denseRegion,
  sparseBlock,
  sumDenseRegions,
} from './exchange.js';

describe('batch splitting', () => {
  it('gives every row to exactly one worker, in order, also when the batch does not divide', () => {
    for (const [size, workers] of [
      [16, 2],
      [7, 3],
      [1, 2],
    ] as const) {
      const ranges = Array.from({ length: workers }, (_, w) => workerRowRange(size, workers, w));
      expect(ranges[0]!.start).toBe(0);
      expect(ranges.at(-1)!.end).toBe(size);
      ranges.slice(1).forEach((range, w) => {
        expect(range.start).toBe(ranges[w]!.end);
      });
    }
    expect(workerRowRange(7, 3, 1)).toEqual({ start: 2, end: 4 });
  });

  it('slices every column by rows (sequences by rows of L) and counts whole-batch sample spaces', () => {
    const data = parallelDataset(6, 4);
    const part = sliceBatch(data, 2, 5);
    expect(part.size).toBe(3);
    expect(Array.from(part.sparse[1]!)).toEqual(Array.from(data.sparse[1]!.subarray(2, 5)));
    expect(Array.from(part.sequences[1]!.items)).toEqual(
      Array.from(data.sequences[1]!.items.subarray(8, 20)),
    );
    expect(Array.from(part.sampleMasks[1]!)).toEqual(Array.from(data.sampleMasks[1]!.subarray(2, 5)));
    expect(part.sampleMasks[0]).toBeUndefined();
    const clicked = data.labels[0]!.reduce((sum, label) => sum + label, 0);
    expect(taskSampleCounts(data)).toEqual([6, clicked]);
  });

  it('compacts views into their own buffers (a posted view would clone its whole dataset)', () => {
    const data = parallelDataset(8, 5);
    const compact = compactBatch(sliceBatch(data, 4, 6));
    expect(compact.sparse[0]!.buffer.byteLength).toBe(2 * 4);
    expect(compact.sequences[0]!.items.length).toBe(2 * 4);
    expect(Array.from(compact.labels[1]!)).toEqual(Array.from(data.labels[1]!.subarray(4, 6)));
  });
});

describe('shareBatch', () => {
  it('copies every column into one SharedArrayBuffer, reused while it is large enough', () => {
    const batch = {
      ...compactBatch(sliceBatch(parallelDataset(6, 4), 0, 6)),
      groups: Int32Array.of(1, 1, 2, 2, 3, 3),
    };
    const { batch: shared, memory } = shareBatch(batch, null);
    expect(shared).toEqual(batch);
    const views = [
      ...shared.sparse,
      ...shared.sequences.map((s) => s.items),
      ...shared.labels,
      shared.groups!,
    ];
    expect(views.every((view) => view.buffer === memory)).toBe(true);
    expect(shareBatch(batch, memory).memory).toBe(memory);
    expect(shareBatch(batch, new SharedArrayBuffer(8)).memory.byteLength).toBe(memory.byteLength);
  });
});

describe('gradient exchange buffers', () => {
  it('sums the workers dense regions in worker order over a range and lays sparse blocks out back to back', () => {
    const dense = createDenseExchange(3, 4);
    [0, 1, 2].forEach((w) => {
      denseRegion(dense, w).set([w + 1, 0.5, -w, 1e8]);
    });
    expect(Array.from(sumDenseRegions(dense, new Float32Array(4), 0, 4))).toEqual([6, 1.5, -3, 3e8]);
    // Only the range is summed (the rest of `out` stays as it was).
    expect(Array.from(sumDenseRegions(dense, new Float32Array(4).fill(9), 1, 3))).toEqual([9, 1.5, -3, 9]);
    expect([0, 1, 2].map((w) => denseRange(dense, w))).toEqual([
      { start: 0, end: 1 },
      { start: 1, end: 2 },
      { start: 2, end: 4 },
    ]);
    const sparse = createSparseExchange([2, 3], 5);
    expect(sparseBlock(sparse, 0).length).toBe(10);
    expect(sparseBlock(sparse, 1).byteOffset).toBe(40);
    expect(sparseBlock(sparse, 1).length).toBe(15);
    const single = createDenseExchange(1, 2);
    denseRegion(single, 0).set([3, 4]);
    expect(Array.from(sumDenseRegions(single, new Float32Array(2), 0, 2))).toEqual([3, 4]);
  });
});
