/** Configuration of the OTTO loader. */
import { optionalEnum, optionalNumber } from '@dtrn/base';
import {
  type CommonLoaderArgs,
  type ResolvedCommonArgs,
  resolveBatchSize,
  resolveLoaderArgs,
  resolveMinFrequency,
} from '../shared/common-args.js';
import { resolveSplitFractions, type SplitFractions } from '../shared/split-assignment.js';
import { NEGATIVE_SAMPLINGS, type NegativeSampling } from './negative-sampler.js';

/** Which rows the cart and order tasks are defined on. */
export type OttoSampleSpaces = 'all' | 'clicked';

export interface OttoArgs extends CommonLoaderArgs {
  /** Padded length of the click sequence (events, newest last). Default 50, range [1, 10000]. */
  readonly clickLength?: number;
  /** Padded length of the cart sequence. Default 20, range [1, 10000]. */
  readonly cartLength?: number;
  /** Padded length of the order sequence. Default 20, range [1, 10000]. */
  readonly orderLength?: number;
  /** Most future items per session used as candidates (first interacted first). Default 20, range [1, 10000]. */
  readonly maxPositives?: number;
  /** Sampled negative candidates per session. Default 5, range [0, 1000]. */
  readonly numNegatives?: number;
  /** `popularity` (default): proportional to training count. `uniform`: over known items. */
  readonly negativeSampling?: NegativeSampling;
  /** Items seen fewer times in training sessions map to the OOV row. Default 1, range >= 1. */
  readonly minFrequency?: number;
  /** Fractions of sessions per split (assigned by seeded hash of the session id). Default 0.8 / 0.1 / 0.1. */
  readonly split?: Partial<SplitFractions>;
  /** `all` (default): every task on every row. `clicked`: cart and order only where click = 1. */
  readonly sampleSpaces?: OttoSampleSpaces;
  /** Rows per streamed batch (`streamOtto` only). Default 4096, range >= 1. */
  readonly batchSize?: number;
}

export interface ResolvedOttoArgs extends ResolvedCommonArgs {
  readonly clickLength: number;
  readonly cartLength: number;
  readonly orderLength: number;
  readonly maxPositives: number;
  readonly numNegatives: number;
  readonly negativeSampling: NegativeSampling;
  readonly minFrequency: number;
  readonly split: SplitFractions;
  readonly sampleSpaces: OttoSampleSpaces;
  readonly batchSize: number;
}

export const DEFAULT_OTTO_ARGS = Object.freeze({
  clickLength: 50,
  cartLength: 20,
  orderLength: 20,
  maxPositives: 20,
  numNegatives: 5,
  negativeSampling: 'popularity' as NegativeSampling,
  minFrequency: 1,
  split: Object.freeze({ train: 0.8, validation: 0.1, test: 0.1 }),
  sampleSpaces: 'all' as OttoSampleSpaces,
  batchSize: 4096,
});

const OTTO_KEYS = [
  'clickLength',
  'cartLength',
  'orderLength',
  'maxPositives',
  'numNegatives',
  'negativeSampling',
  'minFrequency',
  'split',
  'sampleSpaces',
  'batchSize',
];

export function resolveOttoArgs(args: OttoArgs = {}): ResolvedOttoArgs {
  const where = 'OttoArgs';
  const common = resolveLoaderArgs(args, OTTO_KEYS, where);
  const length = (key: 'clickLength' | 'cartLength' | 'orderLength') =>
    optionalNumber(
      args[key],
      DEFAULT_OTTO_ARGS[key],
      { integer: true, min: 1, max: 10_000 },
      `${where}.${key}`,
    );
  return Object.freeze({
    ...common,
    clickLength: length('clickLength'),
    cartLength: length('cartLength'),
    orderLength: length('orderLength'),
    maxPositives: optionalNumber(
      args.maxPositives,
      DEFAULT_OTTO_ARGS.maxPositives,
      { integer: true, min: 1, max: 10_000 },
      `${where}.maxPositives`,
    ),
    numNegatives: optionalNumber(
      args.numNegatives,
      DEFAULT_OTTO_ARGS.numNegatives,
      { integer: true, min: 0, max: 1000 },
      `${where}.numNegatives`,
    ),
    negativeSampling: optionalEnum(
      args.negativeSampling,
      DEFAULT_OTTO_ARGS.negativeSampling,
      NEGATIVE_SAMPLINGS,
      `${where}.negativeSampling`,
    ),
    minFrequency: resolveMinFrequency(args.minFrequency, DEFAULT_OTTO_ARGS.minFrequency, where),
    split: resolveSplitFractions(args.split ?? DEFAULT_OTTO_ARGS.split, `${where}.split`),
    sampleSpaces: optionalEnum(
      args.sampleSpaces,
      DEFAULT_OTTO_ARGS.sampleSpaces,
      ['all', 'clicked'],
      `${where}.sampleSpaces`,
    ),
    batchSize: resolveBatchSize(args.batchSize, DEFAULT_OTTO_ARGS.batchSize, where),
  });
}
