/**
 * Deterministic train / validation / test splits: by random rows, by group (user), or by time.
 * - `random`: a seeded permutation of rows cut at the fractions;
 * - `user`: groups (the schema's groupField) in a seeded order, each whole group going to the split
 *   whose cumulative row share it starts in, so no user appears in two splits;
 * - `time`: rows ordered by timestamp (ties by row index), oldest to train, newest to test; rows
 *   sharing the timestamp at a boundary stay in the earlier split, so no split sees a time before
 *   the end of the previous one.
 * Every split keeps the original row order.
 */
import { ConfigError, checkEnum, checkNumberArray, createRng, deriveSeed, optionalNumber } from '@dtrn/base';
import { checkObject } from './schema-checks.js';
import { takeRows } from './take-rows.js';
import type { InMemoryDataset } from './types.js';

export type SplitBy = 'random' | 'user' | 'time';

export interface SplitArgs {
  /** How rows are assigned. Default `'random'`. */
  readonly by?: SplitBy;
  /** Shares of [train, validation, test]; each in [0, 1], train > 0, summing to 1. Default [0.8, 0.1, 0.1]. */
  readonly fractions?: readonly [number, number, number];
  /** Seed of the `random` and `user` orders. Integer in [0, 2^32), default 0. */
  readonly seed?: number;
}

export interface ResolvedSplitArgs {
  readonly by: SplitBy;
  readonly fractions: readonly [number, number, number];
  readonly seed: number;
}

export const DEFAULT_SPLIT_ARGS: ResolvedSplitArgs = Object.freeze({
  by: 'random',
  fractions: Object.freeze([0.8, 0.1, 0.1]) as unknown as readonly [number, number, number],
  seed: 0,
});

export const SPLIT_BY: readonly SplitBy[] = Object.freeze(['random', 'user', 'time']);

/** Row indices of each split, ascending. */
export interface SplitIndices {
  readonly train: Int32Array;
  readonly validation: Int32Array;
  readonly test: Int32Array;
}

export interface DatasetSplits {
  readonly train: InMemoryDataset;
  readonly validation: InMemoryDataset;
  readonly test: InMemoryDataset;
}

export function resolveSplitArgs(raw: unknown): ResolvedSplitArgs {
  const where = 'SplitArgs';
  const args = checkObject(raw ?? {}, ['by', 'fractions', 'seed'], where);
  const by = args.by === undefined ? DEFAULT_SPLIT_ARGS.by : checkEnum(args.by, SPLIT_BY, `${where}.by`);
  let fractions = DEFAULT_SPLIT_ARGS.fractions;
  if (args.fractions !== undefined) {
    const list = checkNumberArray(args.fractions, { min: 0, max: 1 }, `${where}.fractions`);
    const sum = list.reduce((a, b) => a + b, 0);
    if (list.length !== 3 || Math.abs(sum - 1) > 1e-9 || list[0]! <= 0) {
      throw new ConfigError(`${where}.fractions is invalid`, {
        expected: '[train, validation, test] with train > 0, summing to 1',
        found: list,
      });
    }
    fractions = Object.freeze([list[0]!, list[1]!, list[2]!] as const);
  }
  const seed = optionalNumber(
    args.seed,
    DEFAULT_SPLIT_ARGS.seed,
    { integer: true, min: 0, below: 2 ** 32 },
    `${where}.seed`,
  );
  return Object.freeze({ by, fractions, seed });
}

/** Row counts of the three splits for `size` rows: cumulative boundaries rounded to the nearest row. */
function boundaries(size: number, fractions: readonly [number, number, number]): [number, number] {
  const first = Math.round(size * fractions[0]);
  const second = Math.max(first, Math.round(size * (fractions[0] + fractions[1])));
  return [first, Math.min(size, second)];
}

function assign(order: ArrayLike<number>, cuts: [number, number]): SplitIndices {
  const parts = [order, order, order].map((source, part) => {
    const start = part === 0 ? 0 : cuts[part - 1]!;
    const end = part === 2 ? source.length : cuts[part]!;
    const rows = Int32Array.from({ length: end - start }, (_, i) => source[start + i]!);
    return rows.sort();
  });
  return { train: parts[0]!, validation: parts[1]!, test: parts[2]! };
}

/** The row indices of each split (deterministic for equal data and args). */
export function splitIndices(dataset: InMemoryDataset, rawArgs: SplitArgs = {}): SplitIndices {
  const { by, fractions, seed } = resolveSplitArgs(rawArgs);
  const size = dataset.size;
  if (by === 'random') {
    return assign(createRng(deriveSeed(seed, 'split/random')).permutation(size), boundaries(size, fractions));
  }
  if (by === 'time') {
    const times = dataset.timestamps;
    if (!times) {
      throw new ConfigError('splitDataset: by "time" needs a timestamps column', { found: 'no timestamps' });
    }
    const order = Int32Array.from({ length: size }, (_, i) => i).sort(
      (a, b) => times[a]! - times[b]! || a - b,
    );
    const cuts = boundaries(size, fractions);
    for (let c = 0; c < 2; c++) {
      // Keep rows tied with the last row of a split in that split.
      let cut = cuts[c]!;
      while (cut > 0 && cut < size && times[order[cut]!] === times[order[cut - 1]!]) cut++;
      cuts[c] = cut;
      if (c === 0) cuts[1] = Math.max(cuts[1], cut);
    }
    return assign(order, cuts);
  }
  const groups = dataset.groups;
  if (!groups) {
    throw new ConfigError('splitDataset: by "user" needs a schema groupField', { found: 'no groups' });
  }
  const rowsOfGroup = new Map<number, number>();
  for (let row = 0; row < size; row++)
    rowsOfGroup.set(groups[row]!, (rowsOfGroup.get(groups[row]!) ?? 0) + 1);
  const groupIds = Int32Array.from(rowsOfGroup.keys()).sort();
  const shuffled = createRng(deriveSeed(seed, 'split/user')).shuffle(groupIds);
  const [trainEnd, validationEnd] = [size * fractions[0], size * (fractions[0] + fractions[1])];
  const partOfGroup = new Map<number, number>();
  let cumulative = 0;
  for (const group of shuffled) {
    // A group goes where its first row falls, by the cumulative share of rows before it.
    partOfGroup.set(group, cumulative < trainEnd ? 0 : cumulative < validationEnd ? 1 : 2);
    cumulative += rowsOfGroup.get(group)!;
  }
  const counts = [0, 0, 0];
  for (let row = 0; row < size; row++) counts[partOfGroup.get(groups[row]!)!]!++;
  const parts = counts.map((count) => new Int32Array(count));
  const filled = [0, 0, 0];
  for (let row = 0; row < size; row++) {
    const part = partOfGroup.get(groups[row]!)!;
    parts[part]![filled[part]!++] = row;
  }
  return { train: parts[0]!, validation: parts[1]!, test: parts[2]! };
}

/** Splits a dataset into train, validation and test datasets (copies; see `splitIndices`). */
export function splitDataset(dataset: InMemoryDataset, args: SplitArgs = {}): DatasetSplits {
  const indices = splitIndices(dataset, args);
  return {
    train: takeRows(dataset, indices.train),
    validation: takeRows(dataset, indices.validation),
    test: takeRows(dataset, indices.test),
  };
}
