import { ConfigError, createRng, ShapeError } from '@dtrn/base';
import { describe, expect, it } from 'vitest';
import type { EmbeddingBankArgs } from './config.js';
import { EmbeddingBank, type EmbeddingUpdate } from './embedding-bank.js';
import type { EmbeddingBankState } from './state.js';

const ARGS: EmbeddingBankArgs = {
  tables: [
    { name: 'item', rows: 20, dim: 4 },
    { name: 'category', rows: 6, dim: 2 },
  ],
  optimizer: { kind: 'adam', learningRate: 0.05 },
  seed: 3,
};

function randomStep(seed: number): EmbeddingUpdate[] {
  const rng = createRng(seed);
  const itemIds = Int32Array.from({ length: 8 }, () => rng.int(20));
  const categoryIds = Int32Array.from({ length: 5 }, () => rng.int(6));
  return [
    { table: 'item', ids: itemIds, gradients: Float32Array.from({ length: 32 }, () => rng.uniform(-1, 1)) },
    {
      table: 'category',
      ids: categoryIds,
      gradients: Float32Array.from({ length: 10 }, () => rng.uniform(-1, 1)),
    },
  ];
}

/** Serialises a state as a checkpoint would: metadata through JSON text, arrays through bytes. */
function throughCheckpoint(state: EmbeddingBankState): EmbeddingBankState {
  const arrays: Record<string, EmbeddingBankState['arrays'][string]> = {};
  for (const [name, table] of Object.entries(state.arrays)) {
    const copyFloats = (a: Float32Array) => new Float32Array(new Uint8Array(a.buffer.slice(0)).buffer);
    arrays[name] = {
      values: copyFloats(table.values),
      slots: Object.fromEntries(Object.entries(table.slots).map(([slot, a]) => [slot, copyFloats(a)])),
      initialized: Uint8Array.from(table.initialized),
    };
  }
  return { metadata: JSON.parse(JSON.stringify(state.metadata)), arrays };
}

describe('EmbeddingBank state', () => {
  it('round-trips through a checkpoint: the restored bank continues bit-identically', () => {
    const original = new EmbeddingBank(ARGS);
    for (let s = 0; s < 3; s++) original.applyGradients(randomStep(s));
    const state = throughCheckpoint(original.getState());
    expect(state.metadata.step).toBe(3);
    expect(state.metadata.tables.map((t) => [t.name, t.slots])).toEqual([
      ['item', ['m', 'v']],
      ['category', ['m', 'v']],
    ]);
    const restored = new EmbeddingBank(ARGS);
    restored.setState(state);
    expect(restored.step).toBe(3);
    expect(restored.tableInfo('item').initializedRows).toBe(original.tableInfo('item').initializedRows);
    for (let s = 3; s < 6; s++) {
      original.applyGradients(randomStep(s));
      restored.applyGradients(randomStep(s));
    }
    for (const table of ['item', 'category']) {
      // getWeights initialises rows neither bank touched: the same seed gives them equal values.
      expect(Array.from(restored.getWeights(table))).toEqual(Array.from(original.getWeights(table)));
    }
    const a = original.getState();
    const b = restored.getState();
    expect(Array.from(b.arrays.item!.slots.v!)).toEqual(Array.from(a.arrays.item!.slots.v!));
  });

  it('returns copies: later steps do not change a state taken before them', () => {
    const bank = new EmbeddingBank(ARGS);
    bank.applyGradients(randomStep(0));
    const copy = bank.getState();
    const before = Array.from(copy.arrays.item!.values);
    bank.applyGradients(randomStep(1));
    expect(Array.from(copy.arrays.item!.values)).toEqual(before);
    expect(Array.from(bank.getState().arrays.item!.values)).not.toEqual(before);
  });

  it('refuses a state from an incompatible bank', () => {
    const state = new EmbeddingBank(ARGS).getState();
    expect(() => new EmbeddingBank({ ...ARGS, seed: 4 }).setState(state)).toThrow(
      'EmbeddingBank.setState: the state was saved with another seed or initializer',
    );
    expect(() => new EmbeddingBank({ ...ARGS, optimizer: { kind: 'adagrad' } }).setState(state)).toThrow(
      'the state was saved with another optimizer (expected adagrad, found "adam")',
    );
    expect(() =>
      new EmbeddingBank({ ...ARGS, tables: [{ name: 'item', rows: 21, dim: 4 }, ARGS.tables[1]!] }).setState(
        state,
      ),
    ).toThrow(ShapeError);
    expect(() => new EmbeddingBank({ ...ARGS, tables: [ARGS.tables[0]!] }).setState(state)).toThrow(
      ConfigError,
    );
    const truncated: EmbeddingBankState = {
      ...state,
      arrays: { ...state.arrays, item: { ...state.arrays.item!, values: new Float32Array(3) } },
    };
    expect(() => new EmbeddingBank(ARGS).setState(truncated)).toThrow(
      'EmbeddingBank.setState: item values has the wrong length (expected length 80, found "length 3")',
    );
    expect(() =>
      new EmbeddingBank(ARGS).setState({ ...state, metadata: { ...state.metadata, version: 9 } }),
    ).toThrow('unsupported state format');
    // A different learning rate is fine: hyperparameters stay the restoring bank's.
    const lower = new EmbeddingBank({ ...ARGS, optimizer: { kind: 'adam', learningRate: 0.001 } });
    lower.setState(state);
    expect(lower.config.optimizer.learningRate).toBe(0.001);
  });

  it('exports and imports whole tables; the padding row must be zeros', () => {
    const source = new EmbeddingBank(ARGS);
    source.applyGradients(randomStep(9));
    const weights = source.getWeights('item');
    const target = new EmbeddingBank({ ...ARGS, seed: 99 });
    target.setWeights('item', weights);
    expect(Array.from(target.lookup('item', Int32Array.from([0, 5, 19])))).toEqual(
      Array.from(source.lookup('item', Int32Array.from([0, 5, 19]))),
    );
    expect(target.tableInfo('item').initializedRows).toBe(20);
    const bad = weights.slice();
    bad[1] = 0.5;
    expect(() => target.setWeights('item', bad)).toThrow(
      'field item, index 1: EmbeddingBank.setWeights(item): the padding row must be zeros',
    );
    expect(() => target.setWeights('item', new Float32Array(5))).toThrow(ShapeError);
  });
});
