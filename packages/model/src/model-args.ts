/**
 * Configuration of a model built by `createModel`: which bottom (baseline, DTRN, ablations), which
 * head (any name in the mtl-heads registry), embedding sizes, and the blocks' own arguments.
 * Resolved strictly: unknown keys name the closest valid key; the block arguments are checked by
 * the blocks' own resolvers (with the fields the model sets filled in).
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
import { resolveHypernetEncoderArgs } from '@dtrn/hypernet-encoder';
import { getHead } from '@dtrn/mtl-heads';
import { resolveSenetRefinerArgs } from '@dtrn/senet-refiner';

/**
 * - `shared`: the baseline bottom. One task-agnostic interest per behavior (the unconditioned
 *   encoder); every task reads the same input.
 * - `dtrn`: TIM (hypernetwork-conditioned encoder, u[k][m]) then TRM (per-task field re-weighting).
 * - `dtrn-no-tim`: the unconditioned encoder, then TRM (K refiners over the same fields).
 * - `dtrn-no-trm`: TIM, task input k = flatten(fields, u[k]) without re-weighting.
 */
export const BOTTOM_KINDS = ['shared', 'dtrn', 'dtrn-no-tim', 'dtrn-no-trm'] as const;
export type BottomKind = (typeof BOTTOM_KINDS)[number];

/**
 * - `transformer`: the hypernet-encoder block (Transformer + pooling; conditioned or not).
 * - `mean-pool`: masked mean of the element embeddings, no encoder (bottoms without TIM only).
 */
export const SEQUENCE_ENCODERS = ['transformer', 'mean-pool'] as const;
export type SequenceEncoderKind = (typeof SEQUENCE_ENCODERS)[number];

/** Sparse-embedding settings (the EmbeddingBank's, without its tables and seed). */
export interface ModelEmbeddingArgs {
  /** Lazy sparse optimizer of the rows. Default `{ kind: 'adam', learningRate: 0.001 }`. */
  readonly optimizer?: Record<string, unknown>;
  /** L2 on touched rows (λ·‖w‖² per distinct row per step). Default 0, >= 0. */
  readonly l2?: number;
  /** Row initialisation. Default `{ kind: 'truncatedNormal', scale: 0.02 }`. */
  readonly initializer?: Record<string, unknown>;
}

export interface ModelArgs {
  /** Bottom representation. Default `'dtrn'`. */
  readonly bottom?: BottomKind;
  /** Head name in the mtl-heads registry (`shared-bottom`, `mmoe`, `ple`, or a registered one). Default `'mmoe'`. */
  readonly head?: string;
  /** The head's own arguments; `numTasks`, `inputDim` and `seed` are set by the model. Default {}. */
  readonly headArgs?: Readonly<Record<string, unknown>>;
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
  readonly encoder?: Readonly<Record<string, unknown>>;
  /** senet-refiner arguments except `numTasks`, `numFields`, `embeddingDim`. Default {}. */
  readonly refiner?: Readonly<Record<string, unknown>>;
  /** Sparse embedding settings. Default {}. */
  readonly embeddings?: ModelEmbeddingArgs;
  /** Base seed: embedding rows, every dense weight. Default 0; integer in [0, 2^32). */
  readonly seed?: number;
}

export interface ResolvedModelArgs {
  readonly bottom: BottomKind;
  readonly head: string;
  readonly headArgs: Readonly<Record<string, unknown>>;
  readonly singleTask: boolean;
  readonly embeddingDim: number;
  /** null: the default rule floor(d / (S + 1)). */
  readonly sideFieldDim: number | null;
  /** null: the default [schema.groupField]. */
  readonly excludeFields: readonly string[] | null;
  readonly sequenceEncoder: SequenceEncoderKind;
  readonly encoder: Readonly<Record<string, unknown>>;
  readonly refiner: Readonly<Record<string, unknown>>;
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

const ENCODER_RESERVED = ['numTasks', 'numBehaviors', 'embeddingDim', 'maxSequenceLength', 'unconditioned'];
const REFINER_RESERVED = ['numTasks', 'numFields', 'embeddingDim'];
const HEAD_RESERVED = ['numTasks', 'inputDim', 'seed'];

function plainCopy(value: unknown, where: string): Readonly<Record<string, unknown>> {
  if (value === undefined) return Object.freeze({});
  assertPlainObject(value, where);
  return Object.freeze(JSON.parse(JSON.stringify(value)) as Record<string, unknown>);
}

function rejectReserved(
  value: Readonly<Record<string, unknown>>,
  reserved: readonly string[],
  where: string,
) {
  for (const key of reserved) {
    if (key in value) {
      throw new ConfigError(`${where}.${key} is set by the model`, {
        expected: `no "${key}" (derived from the schema and the model config)`,
        found: value[key],
      });
    }
  }
}

/** True when a bottom uses per-task interests (TIM). */
export function usesTaskInterests(bottom: BottomKind): boolean {
  return bottom === 'dtrn' || bottom === 'dtrn-no-trm';
}

/** True when a bottom uses the per-task refiner (TRM). */
export function usesRefiner(bottom: BottomKind): boolean {
  return bottom === 'dtrn' || bottom === 'dtrn-no-tim';
}

/** Validates `raw` strictly and fills in defaults. The result is JSON-able and re-resolvable. */
export function resolveModelArgs(raw: unknown = {}, where = 'ModelArgs'): ResolvedModelArgs {
  assertPlainObject(raw, where);
  assertKnownKeys(raw, MODEL_ARG_KEYS, where);
  const defaults = DEFAULT_MODEL_ARGS;
  const bottom = optionalEnum(raw.bottom, defaults.bottom, BOTTOM_KINDS, `${where}.bottom`);
  const head = raw.head === undefined ? defaults.head : checkString(raw.head, `${where}.head`);
  const headArgs = plainCopy(raw.headArgs, `${where}.headArgs`);
  rejectReserved(headArgs, HEAD_RESERVED, `${where}.headArgs`);
  getHead(head).resolveArgs({ ...headArgs, numTasks: 1, inputDim: 1 }); // unknown keys, ranges
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
  let excludeFields: readonly string[] | null = null;
  if (raw.excludeFields !== undefined) {
    if (!Array.isArray(raw.excludeFields)) {
      throw new ConfigError(`${where}.excludeFields is invalid`, {
        expected: 'an array of field names',
        found: raw.excludeFields,
      });
    }
    excludeFields = Object.freeze(
      raw.excludeFields.map((name, i) => checkString(name, `${where}.excludeFields[${i}]`)),
    );
  }
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
  rejectReserved(encoder, ENCODER_RESERVED, `${where}.encoder`);
  resolveHypernetEncoderArgs({
    ...encoder,
    numTasks: 1,
    numBehaviors: 1,
    embeddingDim,
    maxSequenceLength: 1,
  });
  const refiner = plainCopy(raw.refiner, `${where}.refiner`);
  rejectReserved(refiner, REFINER_RESERVED, `${where}.refiner`);
  resolveSenetRefinerArgs({ ...refiner, numTasks: 1, numFields: 1, embeddingDim });
  const embeddings = plainCopy(raw.embeddings, `${where}.embeddings`) as ModelEmbeddingArgs;
  assertKnownKeys(embeddings, ['optimizer', 'l2', 'initializer'], `${where}.embeddings`);
  const seed = optionalNumber(
    raw.seed,
    defaults.seed,
    { integer: true, min: 0, below: 2 ** 32 },
    `${where}.seed`,
  );
  return Object.freeze({
    bottom,
    head,
    headArgs,
    singleTask,
    embeddingDim,
    sideFieldDim,
    excludeFields,
    sequenceEncoder,
    encoder,
    refiner,
    embeddings,
    seed,
  });
}

/** The resolved args as plain `ModelArgs` (drops the "use the default rule" nulls). */
export function modelArgsToJson(args: ResolvedModelArgs): ModelArgs {
  const { sideFieldDim, excludeFields, ...rest } = args;
  return {
    ...rest,
    ...(sideFieldDim === null ? {} : { sideFieldDim }),
    ...(excludeFields === null ? {} : { excludeFields }),
  };
}
