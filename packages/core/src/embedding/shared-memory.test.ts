import { ConfigError, createRng, ShapeError } from '@dtrn/base';
import { describe, expect, it } from 'vitest';
import { expectNoLeakedTensors } from '../testing/index.js';
import type { SparseOptimizerArgs } from './config.js';
import { EmbeddingBank, type EmbeddingUpdate } from './embedding-bank.js';

const DIM = 3;
const ROWS = 70; // more than two bitset words, not a multiple of 32

function bankWith(optimizer: SparseOptimizerArgs, sharedMemory = true, l2 = 0.01) {
  return new EmbeddingBank({
    tables: [
      { name: 'item', rows: ROWS, dim: DIM },
      { name: 'category', rows: 5, dim: DIM },
    ],
    optimizer,
    l2,
    seed: 9,
    initializer: { kind: 'uniform', scale: 0.3 },
    sharedMemory,
  });
}

/** Updates with duplicates within and across updates, spread over both tables. */
function randomUpdates(seed: number): EmbeddingUpdate[] {
  const rng = createRng(seed);
  const make = (table: string, rows: number, n: number): EmbeddingUpdate => ({
    table,
    ids: Int32Array.from({ length: n }, () => Math.floor(rng.next() * rows)),
    gradients: Float32Array.from({ length: n * DIM }, () => rng.uniform(-1, 1)),
  });
  return [make('item', ROWS, 40), make('category', 5, 6), make('item', ROWS, 25)];
}

function snapshot(bank: EmbeddingBank) {
  return bank.getState();
}

const OPTIMIZERS: SparseOptimizerArgs[] = [
  { kind: 'adam', learningRate: 0.05 },
  { kind: 'adagrad', learningRate: 0.2 },
];

describe('EmbeddingBank shared memory', () => {
  it('shareHandle is structured-cloneable and fromShared opens the same buffers (no copies)', () => {
    const owner = bankWith(OPTIMIZERS[0]!);
    expect(owner.isShared).toBe(true);
    owner.lookup('item', Int32Array.of(4, 40));
    owner.applyGradients(randomUpdates(1));
    const handle = structuredClone(owner.shareHandle());
    expect(handle.step).toBe(1);
    expect(handle.tables.map((t) => t.name)).toEqual(['item', 'category']);
    const other = EmbeddingBank.fromShared(handle);
    expect(other.isShared).toBe(true);
    expect(other.step).toBe(1);
    expect(other.getState()).toEqual(owner.getState());
    // A write through either bank is visible in the other.
    other.applyGradients([{ table: 'item', ids: Int32Array.of(4), gradients: Float32Array.of(1, -1, 0.5) }]);
    expect(owner.lookup('item', Int32Array.of(4))).toEqual(other.lookup('item', Int32Array.of(4)));
    expect(owner.getState().arrays.item!.slots.m).toEqual(other.getState().arrays.item!.slots.m);
    expect(other.step).toBe(2);
    expect(owner.step).toBe(1); // each bank counts its own calls
  });

  it('two banks over one handle see each other’s initialised rows (Atomics bitset)', () => {
    const a = bankWith(OPTIMIZERS[1]!);
    const b = EmbeddingBank.fromShared(a.shareHandle());
    expect(b.tableInfo('item').initializedRows).toBe(1);
    a.lookup('item', Int32Array.of(3, 33, 69));
    // b counts the shared bitset, so it sees a's three rows; it must not initialise them again.
    expect(b.tableInfo('item').initializedRows).toBe(4);
    a.applyGradients([{ table: 'item', ids: Int32Array.of(33), gradients: Float32Array.of(1, 2, 3) }]);
    const updated = a.lookup('item', Int32Array.of(33));
    expect(b.lookup('item', Int32Array.of(33))).toEqual(updated);
    // A row first touched by b appears in a with the same seeded values a would have drawn.
    const fresh = bankWith(OPTIMIZERS[1]!, false);
    expect(b.lookup('item', Int32Array.of(50))).toEqual(fresh.lookup('item', Int32Array.of(50)));
    expect(a.tableInfo('item').initializedRows).toBe(5);
    expect(a.getState().arrays.item!.initialized).toEqual(b.getState().arrays.item!.initialized);
    // The bitset's byte layout is the state format: bit r of byte r >> 3.
    const initialized = a.getState().arrays.item!.initialized;
    for (const row of [0, 3, 33, 50, 69]) expect((initialized[row >> 3]! >> (row & 7)) & 1).toBe(1);
    expect((initialized[34 >> 3]! >> (34 & 7)) & 1).toBe(0);
  });

  for (const optimizer of OPTIMIZERS) {
    it(`${optimizer.kind}: all shards applied equal the unsharded step bit for bit`, () => {
      const reference = bankWith(optimizer);
      const owner = bankWith(optimizer);
      const shards = 3;
      const views = [
        owner,
        EmbeddingBank.fromShared(owner.shareHandle()),
        EmbeddingBank.fromShared(owner.shareHandle()),
      ];
      for (let step = 0; step < 3; step++) {
        const updates = randomUpdates(10 + step);
        reference.applyGradients(updates);
        const touched = views.map((bank, index) =>
          bank.applyGradients(updates, { shard: { index, count: shards } }),
        );
        for (const result of touched) expect(result.step).toBe(step + 1);
        const rows = (table: string) =>
          touched.reduce((sum, result) => sum + (result.touchedRows[table] ?? 0), 0);
        const whole = bankWith(optimizer, false);
        expect(rows('item')).toBe(whole.applyGradients(updates).touchedRows.item);
      }
      expect(snapshot(owner)).toEqual(snapshot(reference));
    });
  }

  it('a shard updates only its rows but advances the step', () => {
    const bank = bankWith(OPTIMIZERS[0]!, false);
    const before = bank.lookup('item', Int32Array.of(2, 3));
    const result = bank.applyGradients(
      [{ table: 'item', ids: Int32Array.of(2, 3, 3), gradients: new Float32Array(9).fill(1) }],
      { shard: { index: 1, count: 2 } },
    );
    expect(result).toEqual({ step: 1, touchedRows: { item: 1 } });
    const after = bank.lookup('item', Int32Array.of(2, 3));
    expect(after.subarray(0, DIM)).toEqual(before.subarray(0, DIM)); // row 2 belongs to shard 0
    expect(after.subarray(DIM)).not.toEqual(before.subarray(DIM));
  });

  it('toShared copies the state into shared memory; setState writes into the shared buffers', () => {
    const plain = bankWith(OPTIMIZERS[0]!, false);
    plain.lookup('item', Int32Array.of(7, 8));
    plain.applyGradients(randomUpdates(3));
    const shared = plain.toShared();
    expect(shared.isShared).toBe(true);
    expect(shared.getState()).toEqual(plain.getState());
    const other = EmbeddingBank.fromShared(shared.shareHandle());
    const state = bankWith(OPTIMIZERS[0]!, false);
    state.applyGradients(randomUpdates(4));
    state.applyGradients(randomUpdates(5));
    other.setState(state.getState());
    const seen = shared.getState();
    expect(seen.arrays).toEqual(state.getState().arrays);
    expect(seen.metadata.tables).toEqual(state.getState().metadata.tables);
    expect(shared.step).toBe(1); // the step count is per bank
  });

  it('rejects what it cannot share or open', () => {
    const plain = bankWith(OPTIMIZERS[0]!, false);
    expect(() => plain.shareHandle()).toThrow(ConfigError);
    expect(() => plain.shareHandle()).toThrow(/not on shared memory.*sharedMemory: false/s);
    const handle = bankWith(OPTIMIZERS[0]!).shareHandle();
    expect(() => EmbeddingBank.fromShared({ ...handle, format: 'x' } as never)).toThrow(
      /not a shared bank handle/,
    );
    const wrongTable = { ...handle.tables[0]!, rows: ROWS + 1 };
    expect(() => EmbeddingBank.fromShared({ ...handle, tables: [wrongTable, handle.tables[1]!] })).toThrow(
      /table item differs from its config/,
    );
    const copied = { ...handle.tables[0]!, values: new ArrayBuffer(4 * ROWS * DIM) as never };
    expect(() => EmbeddingBank.fromShared({ ...handle, tables: [copied, handle.tables[1]!] })).toThrow(
      /values is not a SharedArrayBuffer/,
    );
    const short = { ...handle.tables[1]!, initialized: new SharedArrayBuffer(8) };
    expect(() => EmbeddingBank.fromShared({ ...handle, tables: [handle.tables[0]!, short] })).toThrow(
      ShapeError,
    );
    const update = [{ table: 'item', ids: Int32Array.of(1), gradients: new Float32Array(DIM) }];
    expect(() => plain.applyGradients(update, { shard: { index: 2, count: 2 } })).toThrow(
      /shard.index is invalid.*\[0, 2\)/s,
    );
    expect(() => plain.applyGradients(update, { shard: { index: 0, count: 0 } })).toThrow(/shard.count/);
    expect(() => plain.applyGradients(update, { shards: 1 } as never)).toThrow(/unknown key "shards"/);
    expect(plain.step).toBe(0);
  });

  it('creates no tensors', async () => {
    await expectNoLeakedTensors(() => {
      const bank = bankWith(OPTIMIZERS[0]!);
      const other = EmbeddingBank.fromShared(bank.shareHandle());
      other.applyGradients(randomUpdates(6), { shard: { index: 0, count: 2 } });
      bank.toShared().lookupTensor('item', Int32Array.of(1, 2)).dispose();
    });
  });
});
