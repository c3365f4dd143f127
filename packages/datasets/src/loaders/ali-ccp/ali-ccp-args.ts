/** Configuration of the Ali-CCP loader. */
import { optionalNumber } from '@dtrn/base';
import {
  type CommonLoaderArgs,
  type ResolvedCommonArgs,
  resolveBatchSize,
  resolveLoaderArgs,
  resolveMinFrequency,
  resolveValidationFraction,
} from '../shared/common-args.js';

export interface AliCcpArgs extends CommonLoaderArgs {
  /** Ids seen in fewer training samples map to the OOV row. Default 10 (as reference libraries), range >= 1. */
  readonly minFrequency?: number;
  /** Padded length of each bag turned into a behavior sequence (largest counts kept). Default 50, range [1, 10000]. */
  readonly bagLength?: number;
  /** Fraction of the test files' rows that go to validation (the rest to test). Default 0.5, range [0, 1]. */
  readonly validationFraction?: number;
  /** Rows per streamed batch (`streamAliCcp` only). Default 4096, range >= 1. */
  readonly batchSize?: number;
}

export interface ResolvedAliCcpArgs extends ResolvedCommonArgs {
  readonly minFrequency: number;
  readonly bagLength: number;
  readonly validationFraction: number;
  readonly batchSize: number;
}

export const DEFAULT_ALI_CCP_ARGS = Object.freeze({
  minFrequency: 10,
  bagLength: 50,
  validationFraction: 0.5,
  batchSize: 4096,
});

export function resolveAliCcpArgs(args: AliCcpArgs = {}): ResolvedAliCcpArgs {
  const where = 'AliCcpArgs';
  const common = resolveLoaderArgs(
    args,
    ['minFrequency', 'bagLength', 'validationFraction', 'batchSize'],
    where,
  );
  const d = DEFAULT_ALI_CCP_ARGS;
  return Object.freeze({
    ...common,
    minFrequency: resolveMinFrequency(args.minFrequency, d.minFrequency, where),
    bagLength: optionalNumber(
      args.bagLength,
      d.bagLength,
      { integer: true, min: 1, max: 10_000 },
      `${where}.bagLength`,
    ),
    validationFraction: resolveValidationFraction(args.validationFraction, d.validationFraction, where),
    batchSize: resolveBatchSize(args.batchSize, d.batchSize, where),
  });
}
