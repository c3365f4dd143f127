/**
 * Large tables place rows in first-touch order (table-storage.ts): the same numbers as a table
 * without placement (a row's values depend only on seed, table and row; its updates on its
 * gradients), the same state, and shared-memory banks agree on where a row lives.
 */
import { createRng } from '@dtrn/base';
import { describe, expect, it } from 'vitest';
import { EmbeddingBank, type EmbeddingUpdate } from './embedding-bank.js';
import { PLACEMENT_MIN_BYTES } from './table-storage.js';

const PLACED_ROWS = 6_000_000; // dim 1, Adam: 6e6 * 12 bytes = 72 MB of blocks > 64 MiB: placed
const SMALL_ROWS = 1_000; // 12 KB: row r is block r
const ids = (...values: number[]) => Int32Array.from(values);

function bank(rows: number, shared = false) {
  return new EmbeddingBank({
    tables: [{ name: 'item', rows, dim: 1 }],
    optimizer: { kind: 'adam', learningRate: 0.05 },
    seed: 9,
    sharedMemory: shared,
  });
}

function randomSteps(seed: number, steps: number): EmbeddingUpdate[][] {
  const rng = createRng(seed);
  return Array.from({ length: steps }, () => {
    const batch = Int32Array.from({ length: 40 }, () => rng.int(SMALL_ROWS));
    return [{ table: 'item', ids: batch, gradients: Float32Array.from(batch, () => rng.uniform(-1, 1)) }];
  });
}

describe('row placement of large tables', () => {
  it('gives the values, updates and state of a table without placement', () => {
    expect(PLACED_ROWS * 12).toBeGreaterThan(PLACEMENT_MIN_BYTES);
    const placed = bank(PLACED_ROWS);
    const direct = bank(SMALL_ROWS);
    expect(placed.tableInfo('item').memoryBytes).toBeGreaterThan(PLACED_ROWS * 12 + 4 * PLACED_ROWS);
    // First touches in a scattered order: rows get blocks 1, 2, 3, ... in that order.
    const order = ids(999, 3, 512, 0, 3, 77);
    expect(Array.from(placed.lookup('item', order))).toEqual(Array.from(direct.lookup('item', order)));
    for (const step of randomSteps(4, 6)) {
      placed.applyGradients(step);
      direct.applyGradients(step);
    }
    const all = Int32Array.from({ length: SMALL_ROWS }, (_, i) => i);
    expect(Array.from(placed.lookup('item', all))).toEqual(Array.from(direct.lookup('item', all)));
    const a = placed.getState().arrays.item!;
    const b = direct.getState().arrays.item!;
    expect(Array.from(a.values.subarray(0, SMALL_ROWS))).toEqual(Array.from(b.values));
    expect(Array.from(a.slots.v!.subarray(0, SMALL_ROWS))).toEqual(Array.from(b.slots.v!));
    expect(a.initialized.subarray(0, b.initialized.length)).toEqual(b.initialized);
  });

  it('restores a state into any placement and continues identically', () => {
    const original = bank(PLACED_ROWS);
    const steps = randomSteps(5, 8);
    for (const step of steps.slice(0, 4)) original.applyGradients(step);
    const state = original.getState();
    const restored = bank(PLACED_ROWS);
    restored.lookup('item', ids(5, 123_456)); // placed here before the restore: cleared by it
    restored.setState(state);
    expect(restored.tableInfo('item').initializedRows).toBe(original.tableInfo('item').initializedRows);
    for (const step of steps.slice(4)) {
      original.applyGradients(step);
      restored.applyGradients(step);
    }
    const probe = ids(5, 123_456, 17, 999);
    expect(Array.from(restored.lookup('item', probe))).toEqual(Array.from(original.lookup('item', probe)));
  });

  it('shares placements between banks over one handle', () => {
    const owner = bank(PLACED_ROWS, true);
    const other = EmbeddingBank.fromShared(owner.shareHandle());
    const first = owner.lookup('item', ids(4_000_000, 11));
    expect(Array.from(other.lookup('item', ids(11, 4_000_000)))).toEqual([first[1], first[0]]);
    other.lookup('item', ids(2_500_000)); // placed by the other bank: the owner reads the same block
    expect(Array.from(owner.lookup('item', ids(2_500_000)))).toEqual(
      Array.from(other.lookup('item', ids(2_500_000))),
    );
    expect(owner.tableInfo('item').initializedRows).toBe(4);
    const moved = bank(PLACED_ROWS);
    moved.lookup('item', ids(7, 6));
    const shared = moved.toShared();
    expect(Array.from(shared.lookup('item', ids(6, 7)))).toEqual(Array.from(moved.lookup('item', ids(6, 7))));
    const handle = owner.shareHandle();
    expect(() =>
      EmbeddingBank.fromShared({ ...handle, tables: [{ ...handle.tables[0]!, placement: null }] }),
    ).toThrow(/lacks its row placement buffers/);
  });
});
