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

  it('reports a corrupt region', () => {
    const region = createRowRegion(8);
    new Int32Array(region).set([1, 1000, 0, 4, 1000, 0]);
    expect(() => readRowUpdates(region, 3)).toThrow(/row-update region of worker 3 is corrupt/);
  });
});
