import { ConfigError, DataError, ShapeError } from '@dtrn/base';
import { describe, expect, it } from 'vitest';
import { expectNoLeakedTensors } from '../testing/index.js';
import { tablesFromIdSpaces } from './config.js';
import { EmbeddingBank } from './embedding-bank.js';

const ids = (...values: number[]) => Int32Array.from(values);

function smallBank(seed = 1) {
  return new EmbeddingBank({
    tables: [
      { name: 'item', rows: 10, dim: 4 },
      { name: 'category', rows: 5, dim: 2 },
    ],
    seed,
  });
}

describe('EmbeddingBank lookup and initialisation', () => {
  it('gathers rows in order, padding as zeros, duplicates repeated', () => {
    const bank = smallBank();
    const all = bank.getWeights('item'); // [10 * 4]
    const rows = bank.lookup('item', ids(3, 0, 7, 3));
    expect(rows).toHaveLength(16);
    expect(Array.from(rows.subarray(0, 4))).toEqual(Array.from(all.subarray(12, 16)));
    expect(Array.from(rows.subarray(4, 8))).toEqual([0, 0, 0, 0]);
    expect(Array.from(rows.subarray(8, 12))).toEqual(Array.from(all.subarray(28, 32)));
    expect(Array.from(rows.subarray(12, 16))).toEqual(Array.from(rows.subarray(0, 4)));
    const out = new Float32Array(2 + 2 * 2).fill(9);
    bank.lookupInto('category', ids(0, 4), out, 2);
    expect(Array.from(out.subarray(0, 4))).toEqual([9, 9, 0, 0]);
    expect(Array.from(out.subarray(4))).toEqual(Array.from(bank.lookup('category', ids(4))));
  });

  it('gathers batches with thousands of distinct, repeated rows', () => {
    const bank = new EmbeddingBank({ tables: [{ name: 'big', rows: 6000, dim: 3 }], seed: 4 });
    const many = Int32Array.from({ length: 9000 }, (_, i) => (i * 7919) % 6000); // 6000 distinct, with 0
    const rows = bank.lookup('big', many);
    const all = bank.getWeights('big');
    many.forEach((row, i) => {
      expect(Array.from(rows.subarray(i * 3, i * 3 + 3))).toEqual(
        Array.from(all.subarray(row * 3, row * 3 + 3)),
      );
    });
  });

  it('initialises rows lazily, identically for equal seeds and in any touch order', () => {
    const a = smallBank(5);
    const b = smallBank(5);
    expect(a.tableInfo('item').initializedRows).toBe(1);
    const forward = a.lookup('item', ids(2, 8, 5));
    const backward = b.lookup('item', ids(5, 8, 2));
    expect(Array.from(forward.subarray(0, 4))).toEqual(Array.from(backward.subarray(8, 12)));
    expect(Array.from(forward.subarray(4, 8))).toEqual(Array.from(backward.subarray(4, 8)));
    expect(a.tableInfo('item').initializedRows).toBe(4);
    expect(Array.from(a.getWeights('item'))).toEqual(Array.from(b.getWeights('item')));
    expect(a.tableInfo('item').initializedRows).toBe(10);
    const other = smallBank(6).lookup('item', ids(2));
    expect(Array.from(other)).not.toEqual(Array.from(forward.subarray(0, 4)));
    // Tables of one bank draw from different streams.
    expect(Array.from(a.lookup('category', ids(1)))).not.toEqual(Array.from(forward.subarray(0, 2)));
  });

  it('draws from the configured initializer', () => {
    const stats = (kind: 'normal' | 'uniform' | 'truncatedNormal') => {
      const bank = new EmbeddingBank({
        tables: [{ name: 't', rows: 2001, dim: 10 }],
        initializer: { kind, scale: 0.1 },
      });
      const values = bank.getWeights('t').subarray(10); // skip padding
      let sum = 0;
      let sumSquares = 0;
      let maxAbs = 0;
      for (const v of values) {
        sum += v;
        sumSquares += v * v;
        maxAbs = Math.max(maxAbs, Math.abs(v));
      }
      const mean = sum / values.length;
      return { mean, std: Math.sqrt(sumSquares / values.length - mean * mean), maxAbs };
    };
    const normal = stats('normal');
    expect(Math.abs(normal.mean)).toBeLessThan(0.005);
    expect(normal.std).toBeCloseTo(0.1, 2);
    expect(normal.maxAbs).toBeGreaterThan(0.3);
    const uniform = stats('uniform');
    expect(uniform.maxAbs).toBeLessThanOrEqual(0.1);
    expect(uniform.std).toBeCloseTo(0.1 / Math.sqrt(3), 2);
    const truncated = stats('truncatedNormal');
    expect(truncated.maxAbs).toBeLessThanOrEqual(0.2 + 1e-7);
    expect(truncated.std).toBeCloseTo(0.088, 2); // N(0, 1) cut at ±2 has std 0.880
  });

  it('returns lookups as tensors of shape [...idsShape, d] without leaking', async () => {
    const bank = smallBank();
    await expectNoLeakedTensors(
      () => {
        const tensor = bank.lookupTensor('item', ids(1, 2, 3, 4, 5, 6), [2, 3]);
        expect(tensor.shape).toEqual([2, 3, 4]);
        expect(Array.from(tensor.dataSync())).toEqual(Array.from(bank.lookup('item', ids(1, 2, 3, 4, 5, 6))));
        tensor.dispose();
        const flat = bank.lookupTensor('category', ids(1, 2));
        expect(flat.shape).toEqual([2, 2]);
        flat.dispose();
      },
      { label: 'lookupTensor' },
    );
    expect(() => bank.lookupTensor('item', ids(1, 2, 3), [2, 2])).toThrow(ShapeError);
  });

  it('reports sizes, parameter counts and memory', () => {
    const bank = smallBank();
    expect(bank.tableNames).toEqual(['item', 'category']);
    expect(bank.dimOf('category')).toBe(2);
    // Adam: rows + 2 slots, float32, plus the bitset (whole 32-bit words: Atomics need Int32Array).
    expect(bank.tableInfo('item')).toEqual({
      name: 'item',
      rows: 10,
      dim: 4,
      parameterCount: 40,
      memoryBytes: 40 * 4 * 3 + 4,
      initializedRows: 1,
    });
    expect(bank.parameterCount).toBe(50);
    expect(bank.memoryBytes).toBe(40 * 12 + 4 + 10 * 12 + 4);
    const adagrad = new EmbeddingBank({
      tables: [{ name: 't', rows: 16, dim: 2 }],
      optimizer: { kind: 'adagrad' },
    });
    expect(adagrad.memoryBytes).toBe(32 * 4 * 2 + 4);
  });

  it('creates a 10^7-row table without initialising its rows', () => {
    const start = performance.now();
    const bank = new EmbeddingBank({ tables: [{ name: 'item', rows: 10_000_000, dim: 8 }] });
    const rows = bank.lookup('item', ids(9_999_999, 1));
    expect(rows).toHaveLength(16);
    expect(bank.tableInfo('item').initializedRows).toBe(3);
    // Values, Adam slots, the bitset, and the first-touch placement index of a large table.
    expect(bank.tableInfo('item').memoryBytes).toBe(10_000_000 * 8 * 4 * 3 + 1_250_000 + 4 * 10_000_000 + 4);
    // Generous bound: eager initialisation of 8e7 values takes seconds; lazy creation takes milliseconds.
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('rejects out-of-range ids naming table, position and id', () => {
    const bank = smallBank();
    expect(() => bank.lookup('item', ids(1, 10))).toThrow(
      'field item, index 1: EmbeddingBank.lookup: id out of range (expected a row in [0, 10), found 10)',
    );
    expect(() => bank.lookup('category', ids(-1))).toThrow(DataError);
    expect(() => bank.lookup('itme', ids(1))).toThrow(
      'EmbeddingBank.lookup: unknown table "itme" (expected one of "item", "category", found "itme")',
    );
    expect(() => bank.lookup('item', [1, 2] as unknown as Int32Array)).toThrow('must be an Int32Array');
    expect(() => bank.lookupInto('item', ids(1, 2), new Float32Array(7))).toThrow(ShapeError);
  });

  it('validates its configuration strictly', () => {
    const table = { name: 'item', rows: 10, dim: 4 };
    expect(() => new EmbeddingBank({ tables: [table], seeds: 1 } as never)).toThrow(
      'EmbeddingBankArgs: unknown key "seeds"; did you mean "seed"?',
    );
    expect(() => new EmbeddingBank({ tables: [] })).toThrow(ConfigError);
    expect(() => new EmbeddingBank({ tables: [{ ...table, rows: 1 }] })).toThrow(
      'EmbeddingBankArgs.tables[0].rows is invalid (expected an integer >= 2, found 1)',
    );
    expect(() => new EmbeddingBank({ tables: [table, table] })).toThrow('tables[1].name is a duplicate');
    expect(() => new EmbeddingBank({ tables: [table], optimizer: { kind: 'adamw' } as never })).toThrow(
      'EmbeddingBankArgs.optimizer.kind is invalid; did you mean "adam"?',
    );
    expect(
      () => new EmbeddingBank({ tables: [table], optimizer: { kind: 'adagrad', beta1: 0.9 } as never }),
    ).toThrow('EmbeddingBankArgs.optimizer: unknown key "beta1"');
    expect(() => new EmbeddingBank({ tables: [table], optimizer: { kind: 'adam', beta2: 1 } })).toThrow(
      'EmbeddingBankArgs.optimizer.beta2 is invalid (expected a finite number >= 0 and < 1, found 1)',
    );
    expect(() => new EmbeddingBank({ tables: [table], l2: -1 })).toThrow(ConfigError);
    expect(() => new EmbeddingBank({ tables: [table], initializer: { kind: 'zeros' } as never })).toThrow(
      ConfigError,
    );
    expect(() => new EmbeddingBank({ tables: [{ name: 'big', rows: 2 ** 30, dim: 8 }] })).toThrow(
      'EmbeddingBankArgs.tables[0] is too large',
    );
    const resolved = new EmbeddingBank({ tables: [table] }).config;
    expect(resolved.optimizer).toEqual({
      kind: 'adam',
      learningRate: 0.001,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
    });
    expect(resolved.initializer).toEqual({ kind: 'truncatedNormal', scale: 0.02 });
    expect(JSON.parse(JSON.stringify(resolved))).toEqual(resolved);
  });

  it("builds table specs from a schema's id spaces", () => {
    const specs = tablesFromIdSpaces(
      [
        { name: 'item', size: 1000 },
        { name: 'category', size: 50 },
      ],
      16,
      { category: 8 },
    );
    expect(specs).toEqual([
      { name: 'item', rows: 1000, dim: 16 },
      { name: 'category', rows: 50, dim: 8 },
    ]);
  });

  it('allocates on SharedArrayBuffer when asked', () => {
    const shared = new EmbeddingBank({ tables: [{ name: 't', rows: 4, dim: 2 }], sharedMemory: true });
    expect(shared.isShared).toBe(typeof SharedArrayBuffer === 'function');
    expect(shared.shareHandle().tables[0]!.values).toBeInstanceOf(SharedArrayBuffer);
    const plain = new EmbeddingBank({ tables: [{ name: 't', rows: 4, dim: 2 }] });
    expect(plain.isShared).toBe(false);
    expect(() => plain.shareHandle()).toThrow(ConfigError);
  });
});
