/**
 * Strided and segmented lookups, gradient layouts of updates (stride, offset, gradientRows),
 * the interleaved storage's state round trip, and the counter-based initializer's independence
 * of table and row.
 */
import { type ConfigError, createRng, ShapeError } from '@dtrn/base';
import { describe, expect, it } from 'vitest';
import { EmbeddingBank, type EmbeddingUpdate } from './embedding-bank.js';
import { rowGradientsOf } from './gradient-updates.js';
import { inverseNormalCdf } from './row-initializer.js';
import { EMBEDDING_STATE_VERSION } from './state.js';

const ids = (...values: number[]) => Int32Array.from(values);
const D = 3;

function bank(seed = 7) {
  return new EmbeddingBank({
    tables: [
      { name: 'item', rows: 30, dim: D },
      { name: 'f', rows: 9, dim: D },
    ],
    optimizer: { kind: 'adam', learningRate: 0.05 },
    seed,
  });
}

describe('EmbeddingBank layouts', () => {
  it('lookupInto with a stride fills one column range of a wider matrix', () => {
    const b = bank();
    // Field 1 of a [B = 3, F = 2, d] input: offset 1 * d, stride 2 * d.
    const out = new Float32Array(3 * 2 * D).fill(5);
    b.lookupInto('f', ids(4, 0, 8), out, D, 2 * D);
    const rows = b.lookup('f', ids(4, 0, 8));
    for (let i = 0; i < 3; i++) {
      expect(Array.from(out.subarray(i * 2 * D, i * 2 * D + D))).toEqual([5, 5, 5]);
      expect(Array.from(out.subarray(i * 2 * D + D, (i + 1) * 2 * D))).toEqual(
        Array.from(rows.subarray(i * D, (i + 1) * D)),
      );
    }
    expect(() => b.lookupInto('f', ids(1, 2), new Float32Array(2 * D), 1)).toThrow(ShapeError);
    expect(() => b.lookupInto('f', ids(1), new Float32Array(9), 0, 0)).toThrow(/layout is invalid/);
  });

  it('lookupSumInto adds rows per segment in id order (float32 running sums), padding adds nothing', () => {
    const b = bank();
    const values = ids(5, 9, 0, 5, 12);
    const segments = ids(1, 1, 1, 0, 1);
    const out = new Float32Array(2 * 4); // 2 segments, width 4, columns [1, 4)
    b.lookupSumInto('item', values, segments, out, 1, 4);
    const row = (id: number) => Array.from(b.lookup('item', ids(id)));
    expect(Array.from(out.subarray(1, 4))).toEqual(row(5));
    const expected = new Float32Array(D);
    for (const id of [5, 9, 12]) for (let j = 0; j < D; j++) expected[j] = expected[j]! + row(id)[j]!;
    expect(Array.from(out.subarray(5, 8))).toEqual(Array.from(expected));
    expect([out[0], out[4]]).toEqual([0, 0]);
    expect(() => b.lookupSumInto('item', values, ids(0, 1), out)).toThrow(/one segment per id/);
    expect(() => b.lookupSumInto('item', ids(1), ids(-1), out)).toThrow(/negative/);
    expect(() => b.lookupSumInto('item', ids(1), ids(3), out, 0, 2)).toThrow(ShapeError);
  });

  it('applies strided, offset and row-indexed gradients exactly as their per-id copies', () => {
    const rng = createRng(3);
    const wide = Float32Array.from({ length: 4 * 2 * D }, () => rng.uniform(-1, 1)); // [B = 4, F = 2, d]
    const perRow = Float32Array.from({ length: 2 * D }, () => rng.uniform(-1, 1)); // [2 segments, d]
    const updates: EmbeddingUpdate[] = [
      { table: 'f', ids: ids(1, 2, 1, 0), gradients: wide, gradientStride: 2 * D },
      { table: 'f', ids: ids(3, 3, 8, 1), gradients: wide, gradientStride: 2 * D, gradientOffset: D },
      { table: 'item', ids: ids(4, 7, 4, 4, 0), gradients: perRow, gradientRows: ids(0, 0, 1, 1, 1) },
    ];
    const dense = updates.map((update) => ({
      table: update.table,
      ids: update.ids,
      gradients: rowGradientsOf(update, D),
    }));
    const a = bank();
    const b = bank();
    for (let step = 0; step < 3; step++) {
      a.applyGradients(updates);
      b.applyGradients(dense);
    }
    expect(Array.from(a.getWeights('f'))).toEqual(Array.from(b.getWeights('f')));
    expect(Array.from(a.getWeights('item'))).toEqual(Array.from(b.getWeights('item')));
    expect(a.getState().arrays.item!.slots.v).toEqual(b.getState().arrays.item!.slots.v);
  });

  it('checks gradient layouts before changing anything', () => {
    const b = bank();
    const g = new Float32Array(2 * D);
    const bad: [EmbeddingUpdate, RegExp | typeof ConfigError][] = [
      [{ table: 'f', ids: ids(1, 2), gradients: g, gradientStride: 0 }, /gradientStride is invalid/],
      [{ table: 'f', ids: ids(1, 2), gradients: g, gradientOffset: -1 }, /gradientOffset is invalid/],
      [{ table: 'f', ids: ids(1, 2), gradients: g, gradientOffset: 1 }, /wrong length/],
      [{ table: 'f', ids: ids(1, 2), gradients: g, gradientRows: ids(0) }, /one row per id/],
      [{ table: 'f', ids: ids(1, 2), gradients: g, gradientRows: ids(0, 2) }, /wrong length/],
      [{ table: 'f', ids: ids(1), gradients: g, gradientRows: ids(-1) }, /negative/],
    ];
    for (const [update, error] of bad) expect(() => b.applyGradients([update])).toThrow(error);
    expect(b.step).toBe(0);
    // A longer array than needed is fine in a non-default layout (the rows it names are read).
    b.applyGradients([{ table: 'f', ids: ids(1), gradients: g, gradientRows: ids(1) }]);
    expect(b.step).toBe(1);
  });

  it('round-trips a state through the interleaved storage, touching only initialised rows', () => {
    const a = bank();
    a.applyGradients([{ table: 'item', ids: ids(3, 29), gradients: new Float32Array(2 * D).fill(0.5) }]);
    const state = a.getState();
    expect(state.metadata.version).toBe(EMBEDDING_STATE_VERSION);
    const b = bank();
    b.lookup('item', ids(11)); // initialised here, not in the state: reset by setState
    b.setState(state);
    expect(b.tableInfo('item').initializedRows).toBe(3);
    expect(b.getState()).toEqual(state);
    // A version-1 state (same arrays) is still read.
    const c = bank();
    c.setState({ ...state, metadata: { ...state.metadata, version: 1 } });
    expect(c.getState().arrays).toEqual(state.arrays);
    expect(() => c.setState({ ...state, metadata: { ...state.metadata, version: 3 } })).toThrow(
      /version 1 or 2/,
    );
  });

  it('refuses tables whose rows and slots exceed one typed array', () => {
    const table = { name: 't', rows: 2 ** 26, dim: 32 }; // 2^31 values: fine alone; the 2 Adam slots, 2^32
    expect(() => new EmbeddingBank({ tables: [table] })).toThrow(
      /rows \* dim \* 2 \(the adam slots of every row, one array\)/,
    );
  });

  it('initialises a row from (seed, table, row) only, with a normal law from the inverse CDF', () => {
    expect(inverseNormalCdf(0.5)).toBe(0);
    expect(inverseNormalCdf(0.975)).toBeCloseTo(1.959964, 5);
    expect(inverseNormalCdf(0.001)).toBeCloseTo(-3.090232, 5);
    const a = bank(1);
    const b = bank(1);
    expect(Array.from(a.lookup('item', ids(17)))).toEqual(
      Array.from(b.lookup('item', ids(3, 17)).subarray(D)),
    );
    expect(Array.from(a.lookup('item', ids(4)))).not.toEqual(Array.from(a.lookup('f', ids(4))));
    expect(Array.from(a.lookup('item', ids(4)))).not.toEqual(Array.from(a.lookup('item', ids(5))));
  });
});
