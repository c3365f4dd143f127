/** Arguments every loader shares, resolved strictly. */
import {
  assertKnownKeys,
  assertPlainObject,
  ConfigError,
  checkNumber,
  optionalEnum,
  optionalNumber,
} from '@dtrn/base';
import { BAD_INPUT_POLICIES, type BadInputPolicy } from '../bad-input.js';
import { DEFAULT_MAX_LINE_BYTES } from '../io/line-reader.js';
import type { ProgressCallback } from '../io/source.js';

export interface CommonLoaderArgs {
  /** `error` (default): the first bad row throws a located DataError. `skip`: bad rows are counted by reason. */
  readonly badInput?: BadInputPolicy;
  /** Seed of splits, cutoffs and negative sampling. Integer >= 0, default 0. */
  readonly seed?: number;
  /** Called after every chunk read (bytes read / total, pass). Default none. */
  readonly onProgress?: ProgressCallback;
  /** Longest accepted line in bytes (memory bound). Default 64 MiB, range >= 1024. */
  readonly maxLineBytes?: number;
}

export interface ResolvedCommonArgs {
  readonly badInput: BadInputPolicy;
  readonly seed: number;
  readonly onProgress: ProgressCallback | undefined;
  readonly maxLineBytes: number;
}

export const COMMON_LOADER_KEYS = ['badInput', 'seed', 'onProgress', 'maxLineBytes'] as const;

export function resolveCommonArgs(args: Record<string, unknown>, where: string): ResolvedCommonArgs {
  const onProgress = args.onProgress;
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new ConfigError(`${where}.onProgress is invalid`, { expected: 'a function', found: onProgress });
  }
  return {
    badInput: optionalEnum(args.badInput, 'error', BAD_INPUT_POLICIES, `${where}.badInput`),
    seed: args.seed === undefined ? 0 : checkNumber(args.seed, { integer: true, min: 0 }, `${where}.seed`),
    onProgress: onProgress as ProgressCallback | undefined,
    maxLineBytes: optionalNumber(
      args.maxLineBytes,
      DEFAULT_MAX_LINE_BYTES,
      { integer: true, min: 1024 },
      `${where}.maxLineBytes`,
    ),
  };
}

/**
 * Checks that `args` is an object with no keys but the common ones and `loaderKeys` (naming the
 * closest valid key otherwise), and resolves the common arguments.
 */
export function resolveLoaderArgs(
  args: unknown,
  loaderKeys: readonly string[],
  where: string,
): ResolvedCommonArgs {
  assertPlainObject(args, where);
  assertKnownKeys(args, [...COMMON_LOADER_KEYS, ...loaderKeys], where);
  return resolveCommonArgs(args, where);
}

/** `${where}.minFrequency`: an integer >= 1, `fallback` when absent. */
export function resolveMinFrequency(value: unknown, fallback: number, where: string): number {
  return optionalNumber(value, fallback, { integer: true, min: 1 }, `${where}.minFrequency`);
}

/** `${where}.validationFraction`: a fraction in [0, 1], `fallback` when absent. */
export function resolveValidationFraction(value: unknown, fallback: number, where: string): number {
  return optionalNumber(value, fallback, { min: 0, max: 1 }, `${where}.validationFraction`);
}

/** `${where}.batchSize` (rows per streamed batch): an integer >= 1, `fallback` when absent. */
export function resolveBatchSize(value: unknown, fallback: number, where: string): number {
  return optionalNumber(value, fallback, { integer: true, min: 1 }, `${where}.batchSize`);
}
