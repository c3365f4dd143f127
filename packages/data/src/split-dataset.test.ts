import { describe, expect, it } from 'vitest';
import { listColumns } from './map-columns.js';
import { resolveSplitArgs, splitDataset, splitIndices } from './split-dataset.js';
import { takeRows } from './take-rows.js';
import { tinyDataset } from './testing/index.js';
import type { InMemoryDataset } from './types.js';

function allRows(indices: { train: Int32Array; validation: Int32Array; test: Int32Array }): number[] {
  return [...indices.train, ...indices.validation, ...indices.test].sort((a, b) => a - b);
}

describe('splitIndices', () => {
  const ds = tinyDataset(200);

  it('random: seeded, disjoint, covering, with the requested sizes', () => {
    const split = splitIndices(ds, { by: 'random', fractions: [0.7, 0.2, 0.1], seed: 5 });
    expect([split.train.length, split.validation.length, split.test.length]).toEqual([140, 40, 20]);
    expect(allRows(split)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(Array.from(split.train)).toEqual([...split.train].sort((a, b) => a - b));
    expect(splitIndices(ds, { by: 'random', fractions: [0.7, 0.2, 0.1], seed: 5 })).toEqual(split);
    expect(splitIndices(ds, { by: 'random', fractions: [0.7, 0.2, 0.1], seed: 6 }).train).not.toEqual(
      split.train,
    );
  });

  it('user: every group in exactly one split, row shares close to the fractions', () => {
    const big = tinyDataset(600, 2);
    const split = splitIndices(big, { by: 'user', fractions: [0.6, 0.2, 0.2], seed: 1 });
    expect(allRows(split)).toEqual(Array.from({ length: 600 }, (_, i) => i));
    const groupsOf = (rows: Int32Array) => new Set(Array.from(rows, (row) => big.groups![row]!));
    const [train, validation, test] = [
      groupsOf(split.train),
      groupsOf(split.validation),
      groupsOf(split.test),
    ];
    for (const group of train) expect(validation.has(group) || test.has(group)).toBe(false);
    for (const group of validation) expect(test.has(group)).toBe(false);
    expect(train.size + validation.size + test.size).toBe(9);
    expect(split.train.length).toBeGreaterThan(600 * 0.6 - 600 / 9 - 1);
    expect(split.test.length).toBeGreaterThan(0);
  });

  it('time: oldest rows to train, ties kept together', () => {
    const times = Float64Array.from({ length: 10 }, (_, i) => [5, 1, 3, 3, 9, 0, 7, 3, 8, 2][i]!);
    const timed: InMemoryDataset = {
      ...takeRows(
        ds,
        Array.from({ length: 10 }, (_, i) => i),
      ),
      timestamps: times,
    };
    const split = splitIndices(timed, { by: 'time', fractions: [0.4, 0.3, 0.3] });
    // sorted times: 0(5) 1(1) 2(9) 3(2) 3(3) 3(7) | 5(0) 7(6) 8(8) 9(4); the cut after 4 rows moves past the tied 3s.
    expect(Array.from(split.train)).toEqual([1, 2, 3, 5, 7, 9]);
    expect(Array.from(split.validation)).toEqual([0]);
    expect(Array.from(split.test)).toEqual([4, 6, 8]);
    const maxTrain = Math.max(...Array.from(split.train, (r) => times[r]!));
    expect(Math.min(...Array.from(split.validation, (r) => times[r]!))).toBeGreaterThan(maxTrain);
  });

  it('refuses splits the data cannot support and bad arguments', () => {
    const { timestamps: _t, ...untimed } = ds;
    expect(() => splitIndices(untimed, { by: 'time' })).toThrow('by "time" needs a timestamps column');
    const { groups: _g, ...ungrouped } = ds;
    expect(() => splitIndices(ungrouped, { by: 'user' })).toThrow('by "user" needs a schema groupField');
    expect(() => resolveSplitArgs({ fractions: [0.5, 0.2, 0.2] })).toThrow('SplitArgs.fractions is invalid');
    expect(() => resolveSplitArgs({ fractions: [0, 0.5, 0.5] })).toThrow('SplitArgs.fractions is invalid');
    expect(() => resolveSplitArgs({ by: 'users' })).toThrow('did you mean "user"?');
    expect(() => resolveSplitArgs({ fraction: [1, 0, 0] })).toThrow('did you mean "fractions"?');
    expect(resolveSplitArgs(undefined)).toEqual({ by: 'random', fractions: [0.8, 0.1, 0.1], seed: 0 });
  });
});

describe('splitDataset', () => {
  it('returns datasets holding exactly the split rows', () => {
    const ds = tinyDataset(50);
    const indices = splitIndices(ds, { seed: 4 });
    const splits = splitDataset(ds, { seed: 4 });
    const columns = (d: InMemoryDataset) => listColumns(d).map((ref) => Array.from(ref.column));
    expect(columns(splits.validation)).toEqual(columns(takeRows(ds, indices.validation)));
    expect(splits.train.size + splits.validation.size + splits.test.size).toBe(50);
  });
});
