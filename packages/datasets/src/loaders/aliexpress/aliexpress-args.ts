/** Configuration of the AliExpress loader. */
import { assertKnownKeys, assertPlainObject, optionalNumber } from '@dtrn/base';
import {
  COMMON_LOADER_KEYS,
  type CommonLoaderArgs,
  type ResolvedCommonArgs,
  resolveCommonArgs,
} from '../shared/common-args.js';

export interface AliExpressArgs extends CommonLoaderArgs {
  /** Categorical values seen fewer times in train map to the OOV row. Default 1 (keep all), range >= 1. */
  readonly minFrequency?: number;
  /** Fraction of the test file's rows that go to validation (the rest to test). Default 0.5, range [0, 1]. */
  readonly validationFraction?: number;
  /** Rows per streamed batch (`streamAliExpress` only). Default 4096, range >= 1. */
  readonly batchSize?: number;
}

export interface ResolvedAliExpressArgs extends ResolvedCommonArgs {
  readonly minFrequency: number;
  readonly validationFraction: number;
  readonly batchSize: number;
}

export const DEFAULT_ALIEXPRESS_ARGS = Object.freeze({
  minFrequency: 1,
  validationFraction: 0.5,
  batchSize: 4096,
});

const KEYS = [...COMMON_LOADER_KEYS, 'minFrequency', 'validationFraction', 'batchSize'];

export function resolveAliExpressArgs(args: AliExpressArgs = {}): ResolvedAliExpressArgs {
  const where = 'AliExpressArgs';
  assertPlainObject(args, where);
  assertKnownKeys(args, KEYS, where);
  const d = DEFAULT_ALIEXPRESS_ARGS;
  return Object.freeze({
    ...resolveCommonArgs(args as Record<string, unknown>, where),
    minFrequency: optionalNumber(
      args.minFrequency,
      d.minFrequency,
      { integer: true, min: 1 },
      `${where}.minFrequency`,
    ),
    validationFraction: optionalNumber(
      args.validationFraction,
      d.validationFraction,
      { min: 0, max: 1 },
      `${where}.validationFraction`,
    ),
    batchSize: optionalNumber(args.batchSize, d.batchSize, { integer: true, min: 1 }, `${where}.batchSize`),
  });
}
