/**
 * Configuration of the multi-behavior, multi-task generator: sizes, the conflict knobs of
 * DATA.md, label weights and target rates. Resolved strictly (unknown keys name the closest key).
 */
import {
  assertKnownKeys,
  assertPlainObject,
  ConfigError,
  checkEnum,
  checkNumber,
  type NumberRule,
} from '@dtrn/base';

/** `cascade`: conversion is drawn only on clicks; `independent`: both tasks on every impression. */
export type TaskMode = 'cascade' | 'independent';

/** Arguments of `generateMultiBehaviorData`. Every field is optional (defaults below). */
export interface MultiBehaviorArgs {
  /** Seed of every random draw; equal seeds give byte-identical output. Integer in [0, 2^32). Default 0. */
  readonly seed?: number;
  /** Users. Integer >= 1. Default 2,000. */
  readonly numUsers?: number;
  /** Items. Integer >= numCategories * maxBrandsPerCategory. Default 2,000. */
  readonly numItems?: number;
  /** Impressions (rows). Integer >= 1. Default 50,000. */
  readonly numSamples?: number;
  /** Item categories, Zipf-distributed. Integer >= 2. Default 20 (a small match vocabulary). */
  readonly numCategories?: number;
  /** Fewest brands in a category. Integer >= 1. Default 3. */
  readonly minBrandsPerCategory?: number;
  /** Most brands in a category. Integer >= minBrandsPerCategory. Default 4. */
  readonly maxBrandsPerCategory?: number;
  /** Price buckets. Integer >= 2. Default 5. */
  readonly numPriceBuckets?: number;
  /** Zipf exponent of category popularity. >= 0. Default 1. */
  readonly categoryZipfExponent?: number;
  /** Dimension of the user and item latent vectors. Integer >= 2. Default 8. */
  readonly latentDimension?: number;
  /** Padded length L of each of the three behavior sequences. Integer >= 1. Default 50. */
  readonly sequenceLength?: number;
  /** rho: correlation of the two tasks' user-item scores. [-1, 1]. Default 1 (control). */
  readonly taskCorrelation?: number;
  /** kappa: how task-specific the sequence relevance is (0 shared, 1 fully specific). [0, 1]. Default 0. */
  readonly sequenceTaskSpecificity?: number;
  /** o: cosine of the two tasks' field-importance vectors. [0, 1]. Default 1. */
  readonly fieldOverlap?: number;
  /** Correlation of item attractiveness (click) and quality (conversion); negative = clickbait. [-1, 1]. Default 1. */
  readonly itemCorrelation?: number;
  /** Conversion only on clicks (`cascade`) or on every row (`independent`). Default `cascade`. */
  readonly taskMode?: TaskMode;
  /** Click rate over all rows. (0, 1). Default 0.2. */
  readonly clickRate?: number;
  /** Conversion rate over its sample space (clicked rows in cascade mode, all rows otherwise). (0, 1). Default 0.1. */
  readonly conversionRate?: number;
  /** Weight of the standardised user-item latent term in each logit. >= 0. Default 0.5. */
  readonly userItemWeight?: number;
  /** Weight of the standardised sequence-relevance term. >= 0. Default 2. */
  readonly sequenceWeight?: number;
  /** Weight of the standardised user/context field term. >= 0. Default 0.5. */
  readonly fieldWeight?: number;
  /** Weight of the item scalar (attractiveness for click, quality for conversion). >= 0. Default 0.5. */
  readonly itemWeight?: number;
  /** Memory tau of click relevance (category match), in sequence positions. > 0. Default 2. */
  readonly clickMemory?: number;
  /** Memory tau of conversion relevance (brand and price match), in sequence positions. > 0. Default 50. */
  readonly conversionMemory?: number;
  /** Probability that the next click stays in the session's current category. [0, 1). Default 0.7. */
  readonly sessionStickiness?: number;
  /** Share of impressions whose target is from the session's current category. [0, 1]. Default 0.35. */
  readonly targetSessionShare?: number;
  /** Share of impressions whose target category follows the user's taste. [0, 1]. Default 0.35. */
  readonly targetUserShare?: number;
  /** Mean clicks between two impressions of a user. > 0. Default 2. */
  readonly meanClicksBetweenImpressions?: number;
  /** Baseline probability that a click is followed by a cart. (0, 1). Default 0.15. */
  readonly cartProbability?: number;
  /** Baseline probability that a cart is followed by an order. (0, 1). Default 0.35. */
  readonly orderProbability?: number;
}

export type ResolvedMultiBehaviorArgs = Required<MultiBehaviorArgs>;

/** Defaults: the control setting at the `small` size. */
export const DEFAULT_MULTI_BEHAVIOR_ARGS: ResolvedMultiBehaviorArgs = Object.freeze({
  seed: 0,
  numUsers: 2_000,
  numItems: 2_000,
  numSamples: 50_000,
  numCategories: 20,
  minBrandsPerCategory: 3,
  maxBrandsPerCategory: 4,
  numPriceBuckets: 5,
  categoryZipfExponent: 1,
  latentDimension: 8,
  sequenceLength: 50,
  taskCorrelation: 1,
  sequenceTaskSpecificity: 0,
  fieldOverlap: 1,
  itemCorrelation: 1,
  taskMode: 'cascade',
  clickRate: 0.2,
  conversionRate: 0.1,
  userItemWeight: 0.5,
  sequenceWeight: 2,
  fieldWeight: 0.5,
  itemWeight: 0.5,
  clickMemory: 2,
  conversionMemory: 50,
  sessionStickiness: 0.7,
  targetSessionShare: 0.35,
  targetUserShare: 0.35,
  meanClicksBetweenImpressions: 2,
  cartProbability: 0.15,
  orderProbability: 0.35,
});

const NUMBER_RULES: { readonly [K in keyof ResolvedMultiBehaviorArgs]?: NumberRule } = {
  seed: { integer: true, min: 0, max: 0xffffffff },
  numUsers: { integer: true, min: 1 },
  numItems: { integer: true, min: 1 },
  numSamples: { integer: true, min: 1 },
  numCategories: { integer: true, min: 2 },
  minBrandsPerCategory: { integer: true, min: 1 },
  maxBrandsPerCategory: { integer: true, min: 1 },
  numPriceBuckets: { integer: true, min: 2 },
  categoryZipfExponent: { min: 0 },
  latentDimension: { integer: true, min: 2 },
  sequenceLength: { integer: true, min: 1 },
  taskCorrelation: { min: -1, max: 1 },
  sequenceTaskSpecificity: { min: 0, max: 1 },
  fieldOverlap: { min: 0, max: 1 },
  itemCorrelation: { min: -1, max: 1 },
  clickRate: { above: 0, below: 1 },
  conversionRate: { above: 0, below: 1 },
  userItemWeight: { min: 0 },
  sequenceWeight: { min: 0 },
  fieldWeight: { min: 0 },
  itemWeight: { min: 0 },
  clickMemory: { above: 0 },
  conversionMemory: { above: 0 },
  sessionStickiness: { min: 0, below: 1 },
  targetSessionShare: { min: 0, max: 1 },
  targetUserShare: { min: 0, max: 1 },
  meanClicksBetweenImpressions: { above: 0 },
  cartProbability: { above: 0, below: 1 },
  orderProbability: { above: 0, below: 1 },
};

export const MULTI_BEHAVIOR_ARG_KEYS = Object.freeze(
  Object.keys(DEFAULT_MULTI_BEHAVIOR_ARGS),
) as readonly (keyof ResolvedMultiBehaviorArgs)[];

/** Validates and completes {@link MultiBehaviorArgs}. */
export function resolveMultiBehaviorArgs(
  args: MultiBehaviorArgs = {},
  where = 'MultiBehaviorArgs',
): ResolvedMultiBehaviorArgs {
  assertPlainObject(args, where);
  assertKnownKeys(args, MULTI_BEHAVIOR_ARG_KEYS, where);
  const merged: Record<string, unknown> = { ...DEFAULT_MULTI_BEHAVIOR_ARGS };
  for (const [key, value] of Object.entries(args)) if (value !== undefined) merged[key] = value;
  for (const [key, rule] of Object.entries(NUMBER_RULES)) {
    checkNumber(merged[key], rule as NumberRule, `${where}.${key}`);
  }
  checkEnum(merged.taskMode, ['cascade', 'independent'] as const, `${where}.taskMode`);
  const resolved = Object.freeze(merged) as unknown as ResolvedMultiBehaviorArgs;
  if (resolved.maxBrandsPerCategory < resolved.minBrandsPerCategory) {
    throw new ConfigError(`${where}.maxBrandsPerCategory is invalid`, {
      expected: `an integer >= minBrandsPerCategory (${resolved.minBrandsPerCategory})`,
      found: resolved.maxBrandsPerCategory,
    });
  }
  const minimumItems = resolved.numCategories * resolved.maxBrandsPerCategory;
  if (resolved.numItems < minimumItems) {
    throw new ConfigError(`${where}.numItems is invalid (every brand needs an item)`, {
      expected: `an integer >= numCategories * maxBrandsPerCategory (${minimumItems})`,
      found: resolved.numItems,
    });
  }
  if (resolved.targetSessionShare + resolved.targetUserShare > 1) {
    throw new ConfigError(`${where}: targetSessionShare + targetUserShare must not exceed 1`, {
      expected: 'a sum <= 1',
      found: resolved.targetSessionShare + resolved.targetUserShare,
    });
  }
  return resolved;
}
