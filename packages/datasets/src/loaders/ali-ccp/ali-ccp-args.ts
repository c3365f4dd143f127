/** Configuration of the Ali-CCP loader. */
import { assertKnownKeys, assertPlainObject, optionalNumber } from '@dtrn/base';
import {
  COMMON_LOADER_KEYS,
  type CommonLoaderArgs,
  type ResolvedCommonArgs,
  resolveCommonArgs,
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

const KEYS = [...COMMON_LOADER_KEYS, 'minFrequency', 'bagLength', 'validationFraction', 'batchSize'];

export function resolveAliCcpArgs(args: AliCcpArgs = {}): ResolvedAliCcpArgs {
  const where = 'AliCcpArgs';
  assertPlainObject(args, where);
  assertKnownKeys(args, KEYS, where);
  const d = DEFAULT_ALI_CCP_ARGS;
  return Object.freeze({
    ...resolveCommonArgs(args as Record<string, unknown>, where),
    minFrequency: optionalNumber(
      args.minFrequency,
      d.minFrequency,
      { integer: true, min: 1 },
      `${where}.minFrequency`,
    ),
    bagLength: optionalNumber(
      args.bagLength,
      d.bagLength,
      { integer: true, min: 1, max: 10_000 },
      `${where}.bagLength`,
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
