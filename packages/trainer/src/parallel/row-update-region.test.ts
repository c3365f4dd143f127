import type { EmbeddingUpdate } from '@dtrn/core';
import { describe, expect, it } from 'vitest';
import { createRowRegion, readRowUpdates, writeRowUpdates } from './row-update-region.js';

const update = (table: string, ids: number[], dim: number, base: number): EmbeddingUpdate => ({
  table,
  ids: Int32Array.from(ids),
  gradients: Float32Array.from({ length: ids.length * dim }, (_, i) => base + i / 8),
});

describe('row-update regions', () => {
  it('round-trips updates (names, ids, gradients) and grows when a step needs more room', () => {
    const small = createRowRegion(16);
    const updates = [
      update('item', [3, 0, 3, 9], 2, 1),
      update('f1', [], 2, 0),
      update('cat.x-1', [1], 3, -2),
    ];
    const region = writeRowUpdates(small, updates);
    expect(region).not.toBe(small);
    expect(region.byteLength).toBeGreaterThanOrEqual(2 * small.byteLength);
    expect(readRowUpdates(region, 0)).toEqual(updates);
    // A smaller step reuses the region.
    const next = [update('item', [5], 2, 7)];
    expect(writeRowUpdates(region, next)).toBe(region);
    expect(readRowUpdates(region, 0)).toEqual(next);
    expect(readRowUpdates(writeRowUpdates(region, []), 0)).toEqual([]);
  });

  it('keeps gradient layouts and writes a gradient array that several updates share once', () => {
    const shared = Float32Array.from({ length: 3 * 2 * 4 }, (_, i) => i / 4); // [B = 3, F = 2, d = 4]
    const pooled = Float32Array.from([0.5, -0.5, 1.5, 2.5]); // [B = 2, w = 2]
    const updates: EmbeddingUpdate[] = [
      { table: 'f', ids: Int32Array.of(1, 2, 3), gradients: shared, gradientStride: 8 },
      { table: 'f', ids: Int32Array.of(4, 0, 6), gradients: shared, gradientStride: 8, gradientOffset: 4 },
      {
        table: 'item',
        ids: Int32Array.of(7, 7, 8),
        gradients: pooled,
        gradientRows: Int32Array.of(0, 1, 1),
        gradientStride: 2,
      },
    ];
    const region = writeRowUpdates(createRowRegion(8), updates);
    const read = readRowUpdates(region, 0);
    expect(read).toEqual(updates);
    expect(read[0]!.gradients).toBe(read[1]!.gradients); // one copy of the shared array
    const words = new Int32Array(region);
    expect(Array.from(words.subarray(0, 5))).toEqual([3, 2, 9, 3, 24 + 4]);
  });

  it('reports a corrupt region', () => {
    const region = createRowRegion(8);
    new Int32Array(region).set([1, 1000, 0, 4, 1000, 0]);
    expect(() => readRowUpdates(region, 3)).toThrow(/row-update region of worker 3 is corrupt/);
  });
});
