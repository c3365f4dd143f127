/**
 * Configuration of a model built by `createModel`: which bottom (baseline, DTRN, ablations), which
 * head (any name in the mtl-heads registry), embedding sizes, and the blocks' own arguments, typed
 * by the block packages. `resolveModelArgs` checks it without the data (unknown keys name the
 * closest valid key; the block arguments are checked by the blocks' own resolvers); the schema-bound
 * rest (layout and the blocks' complete args) is `resolveModelConfig`'s.
 */
import {
  assertKnownKeys,
  assertPlainObject,
  ConfigError,
  checkNumber,
  checkString,
  optionalBoolean,
  optionalEnum,
  optionalNumber,
} from '@dtrn/base';
import type { EmbeddingInitializerArgs, SparseOptimizerArgs } from '@dtrn/core';
import { type HypernetEncoderArgs, resolveHypernetEncoderArgs } from '@dtrn/hypernet-encoder';
import { getHead, type MtlHeadArgsByName, type TypedHeadName } from '@dtrn/mtl-heads';
import { resolveSenetRefinerArgs, type SenetRefinerArgs } from '@dtrn/senet-refiner';
import {
  isDeepFrozen,
  plainCopy,
  rejectSetByModel,
  remembered,
  resolveEmbeddings,
  resolveExcludeFields,
  withPath,
} from './model-args-checks.js';

/**
 * - `shared`: the baseline bottom. One task-agnostic interest per behavior (the unconditioned
 *   encoder); every task reads the same input.
 * - `dtrn`: TIM (hypernetwork-conditioned encoder, u[k][m]) then TRM (per-task field re-weighting).
 * - `dtrn-no-tim`: the unconditioned encoder, then TRM (K refiners over the same fields).
 * - `dtrn-no-trm`: TIM, task input k = flatten(fields, u[k]) without re-weighting.
 * - `stem`: STEM-style embeddings: a shared table and one table per task for every id space; task
 *   input k = [shared | task k's] inputs, the shared input = [shared | mean of the tasks' with
 *   stopped gradients] (the head's input is 2·N·d wide).
 */
export const BOTTOM_KINDS = ['shared', 'dtrn', 'dtrn-no-tim', 'dtrn-no-trm', 'stem'] as const;
export type BottomKind = (typeof BOTTOM_KINDS)[number];

/**
 * - `transformer`: the hypernet-encoder block (Transformer + pooling; conditioned or not).
 * - `mean-pool`: masked mean of the element embeddings, no encoder (bottoms without TIM only).
 */
export const SEQUENCE_ENCODERS = ['transformer', 'mean-pool'] as const;
export type SequenceEncoderKind = (typeof SEQUENCE_ENCODERS)[number];

/** hypernet-encoder arguments the model derives from the schema and the bottom. */
export const ENCODER_KEYS_SET_BY_MODEL = [
  'numTasks',
  'numBehaviors',
  'embeddingDim',
  'maxSequenceLength',
  'unconditioned',
] as const;
/** senet-refiner arguments the model derives from the schema. */
export const REFINER_KEYS_SET_BY_MODEL = ['numTasks', 'numFields', 'embeddingDim'] as const;
/** Head arguments the model derives from the schema and its seed. */
export const HEAD_KEYS_SET_BY_MODEL = ['numTasks', 'inputDim', 'seed'] as const;

/** `ModelArgs.encoder`: the hypernet-encoder's own arguments (seed included: default derived from the model's). */
export type ModelEncoderArgs = Readonly<
  Omit<HypernetEncoderArgs, (typeof ENCODER_KEYS_SET_BY_MODEL)[number]>
>;
/** `ModelArgs.refiner`: the senet-refiner's own arguments (seed included: default derived from the model's). */
export type ModelRefinerArgs = Readonly<Omit<SenetRefinerArgs, (typeof REFINER_KEYS_SET_BY_MODEL)[number]>>;
/**
 * `ModelArgs.headArgs` for head `H`: its argument type from `MtlHeadArgsByName` without what the
 * model sets; a head missing from that map (registered at runtime only) takes any record.
 */
export type ModelHeadArgs<H extends string = TypedHeadName> = H extends TypedHeadName
  ? Readonly<Omit<MtlHeadArgsByName[H], (typeof HEAD_KEYS_SET_BY_MODEL)[number]>>
  : Readonly<Record<string, unknown>>;

/** Sparse-embedding settings (the EmbeddingBank's, without its tables and seed). */
export interface ModelEmbeddingArgs {
  /** Lazy sparse optimizer of the rows. Default `{ kind: 'adam', learningRate: 0.001 }`. */
  readonly optimizer?: SparseOptimizerArgs;
  /** L2 on touched rows (λ·‖w‖² per distinct row per step). Default 0, >= 0. */
  readonly l2?: number;
  /** Row initialisation. Default `{ kind: 'truncatedNormal', scale: 0.02 }`. */
  readonly initializer?: EmbeddingInitializerArgs;
}

/**
 * `H` is the head's name. Functions taking args infer it: `createModel(schema, { head: 'ple',
 * headArgs })` checks `headArgs` against `PleArgs`, and without `head` (default `mmoe`) against the
 * built-in heads' keys. `ModelArgs` alone (H = string) takes any head name and any head args
 * record (configs read from files, heads registered at runtime); the resolver checks them.
 */
export interface ModelArgs<H extends string = string> {
  /** Bottom representation. Default `'dtrn'`. */
  readonly bottom?: BottomKind;
  /** Head name in the mtl-heads registry (`shared-bottom`, `mmoe`, `ple`, or a registered one). Default `'mmoe'`. */
  readonly head?: H;
  /** The head's own arguments; `numTasks`, `inputDim` and `seed` are set by the model. Default {}. */
  readonly headArgs?: ModelHeadArgs<H>;
  /**
   * One independent model per task (own embeddings, own bottom, head with numTasks 1), wrapped as one
   * multi-task model: the reference for negative transfer. Needs a bottom without per-task parts
   * (`shared`). Default false.
   */
  readonly singleTask?: boolean;
  /** d: width of every field embedding, sequence element and interest. Default 40; integer in [1, 1024]. */
  readonly embeddingDim?: number;
  /**
   * Width of each sequence side-field sub-embedding (category, brand, ...); the item sub-embedding
   * gets the rest: d - S * sideFieldDim, which must be >= 1. Default floor(d / (S + 1)) (8 for
   * d = 40 and the synthetic schema's 4 side fields). Integer >= 1.
   */
  readonly sideFieldDim?: number;
  /** Fields (sparse or dense, by name) not used as features. Default [schema.groupField] (or []). */
  readonly excludeFields?: readonly string[];
  /** How a behavior sequence becomes an interest vector. Default `'transformer'`. */
  readonly sequenceEncoder?: SequenceEncoderKind;
  /**
   * hypernet-encoder arguments except `numTasks`, `numBehaviors`, `embeddingDim`,
   * `maxSequenceLength` and `unconditioned` (set by the model). Default {} (the block's defaults).
   */
  readonly encoder?: ModelEncoderArgs;
  /** senet-refiner arguments except `numTasks`, `numFields`, `embeddingDim`. Default {}. */
  readonly refiner?: ModelRefinerArgs;
  /** Sparse embedding settings. Default {}. */
  readonly embeddings?: ModelEmbeddingArgs;
  /** Base seed: embedding rows, every dense weight. Default 0; integer in [0, 2^32). */
  readonly seed?: number;
}

/**
 * `ModelArgs` checked and completed without the data: the model's own settings with their defaults,
 * the blocks' arguments as written (they are completed with the schema by `resolveModelConfig`).
 * Frozen and JSON-able (`modelArgsToJson`); what a saved model's manifest records.
 */
export interface ResolvedModelArgs {
  readonly bottom: BottomKind;
  readonly head: string;
  readonly headArgs: ModelHeadArgs<string>;
  readonly singleTask: boolean;
  readonly embeddingDim: number;
  /** null: the default rule floor(d / (S + 1)). */
  readonly sideFieldDim: number | null;
  /** null: the default [schema.groupField]. */
  readonly excludeFields: readonly string[] | null;
  readonly sequenceEncoder: SequenceEncoderKind;
  readonly encoder: ModelEncoderArgs;
  readonly refiner: ModelRefinerArgs;
  readonly embeddings: ModelEmbeddingArgs;
  readonly seed: number;
}

export const DEFAULT_MODEL_ARGS = Object.freeze({
  bottom: 'dtrn' as BottomKind,
  head: 'mmoe',
  singleTask: false,
  embeddingDim: 40,
  sequenceEncoder: 'transformer' as SequenceEncoderKind,
  seed: 0,
});

export const MODEL_ARG_KEYS: readonly (keyof ModelArgs)[] = [
  'bottom',
  'head',
  'headArgs',
  'singleTask',
  'embeddingDim',
  'sideFieldDim',
  'excludeFields',
  'sequenceEncoder',
  'encoder',
  'refiner',
  'embeddings',
  'seed',
];

/** True when a bottom uses per-task interests (TIM). */
export function usesTaskInterests(bottom: BottomKind): boolean {
  return bottom === 'dtrn' || bottom === 'dtrn-no-trm';
}

/** True when a bottom gives every task its own embedding tables (STEM). */
export function usesTaskEmbeddings(bottom: BottomKind): boolean {
  return bottom === 'stem';
}

/** True when a bottom uses the per-task refiner (TRM). */
export function usesRefiner(bottom: BottomKind): boolean {
  return bottom === 'dtrn' || bottom === 'dtrn-no-tim';
}

/**
 * Validates `raw` strictly and fills in the model's defaults. The result is frozen, JSON-able
 * (`modelArgsToJson`) and passes through `resolveModelArgs` again unchanged; a deep-frozen input
 * (e.g. a config an app froze) is resolved once and its resolution remembered.
 */
export function resolveModelArgs(raw: unknown = {}, where = 'ModelArgs'): ResolvedModelArgs {
  const known = typeof raw === 'object' && raw !== null ? remembered.get(raw) : undefined;
  if (known) return known as ResolvedModelArgs;
  assertPlainObject(raw, where);
  assertKnownKeys(raw, MODEL_ARG_KEYS, where);
  const defaults = DEFAULT_MODEL_ARGS;
  const bottom = optionalEnum(raw.bottom, defaults.bottom, BOTTOM_KINDS, `${where}.bottom`);
  const head = raw.head === undefined ? defaults.head : checkString(raw.head, `${where}.head`);
  const headArgs = plainCopy(raw.headArgs, `${where}.headArgs`);
  rejectSetByModel(headArgs, HEAD_KEYS_SET_BY_MODEL, `${where}.headArgs`);
  const headDefinition = withPath(`${where}.head`, () => getHead(head));
  // A cascade (task names or indices) is checked against the schema by resolveModelConfig.
  const probe = headDefinition.usesCascade ? { numTasks: 2, cascade: [0, 1] } : { numTasks: 1 };
  withPath(`${where}.headArgs`, () => headDefinition.resolveArgs({ ...headArgs, ...probe, inputDim: 1 }));
  const singleTask = optionalBoolean(raw.singleTask, defaults.singleTask, `${where}.singleTask`);
  if (singleTask && bottom !== 'shared') {
    throw new ConfigError(`${where}.singleTask needs bottom "shared"`, {
      expected: 'bottom "shared" (one task per model leaves nothing task-specific to condition)',
      found: bottom,
    });
  }
  const embeddingDim = optionalNumber(
    raw.embeddingDim,
    defaults.embeddingDim,
    { integer: true, min: 1, max: 1024 },
    `${where}.embeddingDim`,
  );
  const sideFieldDim =
    raw.sideFieldDim === undefined
      ? null
      : checkNumber(raw.sideFieldDim, { integer: true, min: 1, max: embeddingDim }, `${where}.sideFieldDim`);
  const sequenceEncoder = optionalEnum(
    raw.sequenceEncoder,
    defaults.sequenceEncoder,
    SEQUENCE_ENCODERS,
    `${where}.sequenceEncoder`,
  );
  if (sequenceEncoder === 'mean-pool' && usesTaskInterests(bottom)) {
    throw new ConfigError(`${where}.sequenceEncoder "mean-pool" cannot condition interests on the task`, {
      expected: `"transformer" for bottom "${bottom}" (TIM), or bottom "shared" / "dtrn-no-tim"`,
      found: sequenceEncoder,
    });
  }
  const encoder = plainCopy(raw.encoder, `${where}.encoder`);
  rejectSetByModel(encoder, ENCODER_KEYS_SET_BY_MODEL, `${where}.encoder`);
  withPath(`${where}.encoder`, () =>
    resolveHypernetEncoderArgs({
      ...encoder,
      numTasks: 1,
      numBehaviors: 1,
      embeddingDim,
      maxSequenceLength: 1,
    }),
  );
  const refiner = plainCopy(raw.refiner, `${where}.refiner`);
  rejectSetByModel(refiner, REFINER_KEYS_SET_BY_MODEL, `${where}.refiner`);
  withPath(`${where}.refiner`, () =>
    resolveSenetRefinerArgs({ ...refiner, numTasks: 1, numFields: 1, embeddingDim }),
  );
  const resolved: ResolvedModelArgs = Object.freeze({
    bottom,
    head,
    headArgs: headArgs as ModelHeadArgs<string>,
    singleTask,
    embeddingDim,
    sideFieldDim,
    excludeFields: resolveExcludeFields(raw.excludeFields, `${where}.excludeFields`),
    sequenceEncoder,
    encoder: encoder as ModelEncoderArgs,
    refiner: refiner as ModelRefinerArgs,
    embeddings: resolveEmbeddings(raw.embeddings, `${where}.embeddings`) as ModelEmbeddingArgs,
    seed: optionalNumber(raw.seed, defaults.seed, { integer: true, min: 0, below: 2 ** 32 }, `${where}.seed`),
  });
  remembered.set(resolved, resolved);
  if (isDeepFrozen(raw)) remembered.set(raw as object, resolved);
  return resolved;
}

/** The resolved args as plain `ModelArgs` (drops the "use the default rule" nulls). */
export function modelArgsToJson(args: ResolvedModelArgs): ModelArgs<string> {
  const { sideFieldDim, excludeFields, ...rest } = args;
  return {
    ...rest,
    ...(sideFieldDim === null ? {} : { sideFieldDim }),
    ...(excludeFields === null ? {} : { excludeFields }),
  };
}
