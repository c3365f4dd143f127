/**
 * Seeded, order-independent assignment of a key (session, row number) to train / validation / test:
 * the key and seed hash to a uniform number in [0, 1), compared with the cumulative fractions. The
 * same key always lands in the same split, so a second pass over a file needs no stored assignment.
 */
import {
  assertKnownKeys,
  assertPlainObject,
  ConfigError,
  checkNumber,
  createRng,
  deriveSeed,
} from '@dtrn/base';

export type SplitName = 'train' | 'validation' | 'test';
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'validation', 'test'];

/** Fractions of the rows per split; each in [0, 1], summing to 1. */
export interface SplitFractions {
  readonly train: number;
  readonly validation: number;
  readonly test: number;
}

export function resolveSplitFractions(value: unknown, where: string): SplitFractions {
  assertPlainObject(value, where);
  assertKnownKeys(value, SPLIT_NAMES, where);
  const train = checkNumber(value.train ?? 0, { min: 0, max: 1 }, `${where}.train`);
  const validation = checkNumber(value.validation ?? 0, { min: 0, max: 1 }, `${where}.validation`);
  const test = checkNumber(value.test ?? 0, { min: 0, max: 1 }, `${where}.test`);
  const total = train + validation + test;
  if (Math.abs(total - 1) > 1e-9) {
    throw new ConfigError(`${where}: the fractions must sum to 1`, {
      expected: 'train + validation + test = 1',
      found: total,
    });
  }
  return Object.freeze({ train, validation, test });
}

/** Uniform number in [0, 1) from a seed, a purpose label and a key. */
export function hashUnit(seed: number, label: string, key: number | string): number {
  return createRng(deriveSeed(seed, label, key)).next();
}

/** The split of a key. */
export function splitOf(seed: number, key: number | string, fractions: SplitFractions): SplitName {
  const u = hashUnit(seed, 'split', key);
  if (u < fractions.train) return 'train';
  if (u < fractions.train + fractions.validation) return 'validation';
  return 'test';
}
