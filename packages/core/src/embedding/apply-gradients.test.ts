import { createRng, DataError, ShapeError } from '@dtrn/base';
import { describe, expect, it } from 'vitest';
import { expectNoLeakedTensors } from '../testing/index.js';
import type { SparseOptimizerArgs } from './config.js';
import { EmbeddingBank, type EmbeddingUpdate } from './embedding-bank.js';

const ids = (...values: number[]) => Int32Array.from(values);
const DIM = 3;

function bankWith(optimizer: SparseOptimizerArgs, l2 = 0) {
  return new EmbeddingBank({
    tables: [
      { name: 'item', rows: 12, dim: DIM },
      { name: 'category', rows: 4, dim: DIM },
    ],
    optimizer,
    l2,
    seed: 21,
    initializer: { kind: 'uniform', scale: 0.3 },
  });
}

function randomGradients(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n * DIM }, () => rng.uniform(-1, 1));
}

const OPTIMIZERS: SparseOptimizerArgs[] = [
  { kind: 'adam', learningRate: 0.05 },
  { kind: 'adagrad', learningRate: 0.2 },
];

describe('EmbeddingBank.applyGradients', () => {
  for (const optimizer of OPTIMIZERS) {
    it(`${optimizer.kind}: sums duplicate ids across all updates of a table`, async () => {
      // Three inputs share the item table (target, two sequences) with repeated ids.
      const updates: EmbeddingUpdate[] = [
        { table: 'item', ids: ids(3, 5, 3), gradients: randomGradients(3, 1) },
        { table: 'item', ids: ids(5, 0, 7, 3), gradients: randomGradients(4, 2) },
        { table: 'category', ids: ids(2, 2), gradients: randomGradients(2, 3) },
        { table: 'item', ids: ids(7), gradients: randomGradients(1, 4) },
      ];
      // The explicit per-id sums, computed here in float64 and handed over as one update per table.
      const explicit = new Map<string, Map<number, number[]>>();
      for (const update of updates) {
        const table = explicit.get(update.table) ?? new Map<number, number[]>();
        explicit.set(update.table, table);
        update.ids.forEach((id, i) => {
          if (id === 0) return;
          const sum = table.get(id) ?? new Array<number>(DIM).fill(0);
          for (let j = 0; j < DIM; j++) sum[j]! += update.gradients[i * DIM + j]!;
          table.set(id, sum);
        });
      }
      const summed: EmbeddingUpdate[] = [...explicit].map(([table, rows]) => ({
        table,
        ids: Int32Array.from(rows.keys()),
        gradients: Float32Array.from([...rows.values()].flat()),
      }));
      const withDuplicates = bankWith(optimizer);
      const withSums = bankWith(optimizer);
      const result = await expectNoLeakedTensors(() => withDuplicates.applyGradients(updates));
      expect(result).toEqual({ step: 1, touchedRows: { item: 3, category: 1 } });
      withSums.applyGradients(summed);
      for (const table of ['item', 'category']) {
        const a = withDuplicates.getWeights(table);
        const b = withSums.getWeights(table);
        for (let k = 0; k < a.length; k++) expect(a[k]).toBeCloseTo(b[k]!, 6);
      }
    });
  }

  it('adagrad: one step equals the closed form on the summed gradient', () => {
    const bank = bankWith(
      { kind: 'adagrad', learningRate: 0.2, initialAccumulator: 0.1, epsilon: 1e-7 },
      0.01,
    );
    const before = bank.lookup('item', ids(4));
    const g1 = randomGradients(1, 8);
    const g2 = randomGradients(1, 9);
    bank.applyGradients([{ table: 'item', ids: ids(4, 4), gradients: Float32Array.from([...g1, ...g2]) }]);
    const after = bank.lookup('item', ids(4));
    for (let j = 0; j < DIM; j++) {
      const w = before[j]!;
      const g = g1[j]! + g2[j]! + 2 * 0.01 * w;
      expect(after[j]).toBeCloseTo(w - (0.2 * g) / Math.sqrt(0.1 + g * g + 1e-7), 6);
    }
  });

  it('adam: the first step moves each element by about the learning rate against its gradient sign', () => {
    const bank = bankWith({ kind: 'adam', learningRate: 0.05 });
    const before = bank.lookup('item', ids(6));
    const gradients = Float32Array.from([0.5, -2, 0.01]);
    bank.applyGradients([{ table: 'item', ids: ids(6), gradients }]);
    const after = bank.lookup('item', ids(6));
    // Step 1: m̂ = g, v̂ = g², so w moves by lr·g/(|g| + ε).
    for (let j = 0; j < DIM; j++) {
      const g = gradients[j]!;
      expect(after[j]).toBeCloseTo(before[j]! - (0.05 * g) / (Math.abs(g) + 1e-7), 6);
    }
  });

  for (const optimizer of OPTIMIZERS) {
    it(`${optimizer.kind}: rows and slots outside the batch stay bit-identical; padding stays zero`, () => {
      const bank = bankWith(optimizer, 0.1);
      bank.getWeights('item'); // initialise every row
      bank.getWeights('category');
      const snapshot = bank.getState();
      const touched = new Set([2, 5, 9]);
      for (let step = 0; step < 4; step++) {
        const batch = ids(2, 0, 5, 9, 0, 2);
        bank.applyGradients([
          { table: 'item', ids: batch, gradients: randomGradients(batch.length, 30 + step) },
        ]);
      }
      const state = bank.getState();
      const rows = state.arrays.item!.values;
      const oldRows = snapshot.arrays.item!.values;
      for (let row = 0; row < 12; row++) {
        const slice = (array: Float32Array) => Array.from(array.subarray(row * DIM, (row + 1) * DIM));
        if (touched.has(row)) {
          expect(slice(rows)).not.toEqual(slice(oldRows));
          continue;
        }
        expect(slice(rows)).toEqual(slice(oldRows));
        for (const [name, slot] of Object.entries(state.arrays.item!.slots)) {
          expect(slice(slot)).toEqual(slice(snapshot.arrays.item!.slots[name]!));
        }
      }
      expect(Array.from(rows.subarray(0, DIM))).toEqual([0, 0, 0]);
      expect(Array.from(bank.getWeights('category'))).toEqual(Array.from(snapshot.arrays.category!.values));
      expect(bank.step).toBe(4);
    });
  }

  it('validates every update before changing anything', () => {
    const bank = bankWith({ kind: 'adam' });
    const before = bank.getState();
    const good: EmbeddingUpdate = { table: 'item', ids: ids(1, 2), gradients: randomGradients(2, 1) };
    expect(() =>
      bank.applyGradients([good, { table: 'item', ids: ids(3, 12), gradients: randomGradients(2, 2) }]),
    ).toThrow(
      'field item, index 1: EmbeddingBank.applyGradients (update 1): id out of range (expected a row in [0, 12), found 12)',
    );
    expect(() =>
      bank.applyGradients([good, { table: 'category', ids: ids(1), gradients: new Float32Array(2) }]),
    ).toThrow(ShapeError);
    expect(() =>
      bank.applyGradients([{ table: 'nope', ids: ids(1), gradients: new Float32Array(3) }]),
    ).toThrow('unknown table "nope"');
    expect(() => bank.applyGradients([{ ...good, ids: ids(-4, 1) }])).toThrow(DataError);
    expect(bank.step).toBe(0);
    expect(Array.from(bank.getState().arrays.item!.values)).toEqual(Array.from(before.arrays.item!.values));
    // An empty step still counts (Adam's bias correction follows the global step).
    expect(bank.applyGradients([])).toEqual({ step: 1, touchedRows: {} });
  });

  it('handles many distinct rows in one step (index growth) like several smaller steps would sum', () => {
    const bank = new EmbeddingBank({
      tables: [{ name: 'big', rows: 5000, dim: 2 }],
      optimizer: { kind: 'adagrad' },
    });
    const many = Int32Array.from({ length: 6000 }, (_, i) => 1 + (i % 4999)); // 4999 distinct, 1001 repeats
    const gradients = new Float32Array(many.length * 2).fill(0.5);
    const before = bank.getWeights('big');
    const { touchedRows } = bank.applyGradients([{ table: 'big', ids: many, gradients }]);
    expect(touchedRows.big).toBe(4999);
    const after = bank.getWeights('big');
    // Rows 1..1001 appeared twice (gradient 1.0), the others once (0.5): Adagrad moves them by different amounts.
    const moved = (row: number) => before[row * 2]! - after[row * 2]!;
    expect(moved(1)).toBeCloseTo((0.01 * 1) / Math.sqrt(0.1 + 1 + 1e-7), 6);
    expect(moved(4000)).toBeCloseTo((0.01 * 0.5) / Math.sqrt(0.1 + 0.25 + 1e-7), 6);
  });
});
