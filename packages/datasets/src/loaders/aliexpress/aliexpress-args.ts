/** Configuration of the AliExpress loader. */
import {
  type CommonLoaderArgs,
  type ResolvedCommonArgs,
  resolveBatchSize,
  resolveLoaderArgs,
  resolveMinFrequency,
  resolveValidationFraction,
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

export function resolveAliExpressArgs(args: AliExpressArgs = {}): ResolvedAliExpressArgs {
  const where = 'AliExpressArgs';
  const common = resolveLoaderArgs(args, ['minFrequency', 'validationFraction', 'batchSize'], where);
  const d = DEFAULT_ALIEXPRESS_ARGS;
  return Object.freeze({
    ...common,
    minFrequency: resolveMinFrequency(args.minFrequency, d.minFrequency, where),
    validationFraction: resolveValidationFraction(args.validationFraction, d.validationFraction, where),
    batchSize: resolveBatchSize(args.batchSize, d.batchSize, where),
  });
}
