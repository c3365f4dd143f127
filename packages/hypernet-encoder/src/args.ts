/**
 * Configuration of the TIM encoder: `HypernetEncoderArgs` (what users write), its defaults, and a
 * strict resolver that returns a complete, frozen `ResolvedHypernetEncoderArgs`.
 */
import {
  assertKnownKeys,
  assertPlainObject,
  ConfigError,
  checkNumber,
  checkNumberArray,
  optionalBoolean,
  optionalEnum,
  optionalNumber,
} from '@dtrn/base';

/** How the encoded sequence is pooled into one interest vector per (task, behavior). */
export const POOLING_KINDS = ['target-attention-din', 'target-attention-dot', 'mean'] as const;
export type PoolingKind = (typeof POOLING_KINDS)[number];

export interface HypernetEncoderArgs {
  /** Number of tasks K. Required; integer >= 1. */
  numTasks: number;
  /** Number of behavior types M (one input sequence each). Required; integer >= 1. */
  numBehaviors: number;
  /** Embedding size d of sequence items and of the target item. Required; integer >= 1, divisible by `numHeads`. */
  embeddingDim: number;
  /**
   * Longest sequence length the position table covers (rows of the learned position embedding).
   * Required when `positionEmbedding` is true; ignored otherwise. Integer >= 1.
   */
  maxSequenceLength?: number;
  /** Transformer blocks. Default 1; integer in [1, 8]. */
  numBlocks?: number;
  /** Attention heads per block. Default 2; integer >= 1 dividing `embeddingDim`. */
  numHeads?: number;
  /** Hidden width of the position-wise feed-forward network. Default 4 * embeddingDim; integer >= 1. */
  feedForwardDim?: number;
  /** Hidden width of the hypernetwork (its one hidden relu layer). Default 32; integer >= 1. */
  hypernetworkUnits?: number;
  /** Size of the learned task-type embedding T_k. Default 8; integer >= 1. */
  taskEmbeddingDim?: number;
  /** Size of the learned behavior-type embedding B_m. Default 8; integer >= 1. */
  behaviorEmbeddingDim?: number;
  /** Add a learned position embedding ([maxSequenceLength, d], aligned to the newest element). Default true. */
  positionEmbedding?: boolean;
  /** Dropout rate on the attention probabilities, training only. Default 0; in [0, 1). */
  attentionDropoutRate?: number;
  /** Dropout rate on the attention and feed-forward outputs before each residual add, training only. Default 0; in [0, 1). */
  feedForwardDropoutRate?: number;
  /** Pooling of the encoded sequence. Default 'target-attention-din'. */
  pooling?: PoolingKind;
  /**
   * Hidden units of the DIN attention scorer (relu), followed by one linear output unit. Default [32].
   * Used by 'target-attention-din' only. With `[]` the scorer is one unit and, as the scorer's first
   * layer, it is relu (the fast forward, the reference forward and the ONNX export agree on this).
   */
  poolingUnits?: readonly number[];
  /**
   * When true: no hypernetwork, one shared learned LayerNorm per position in the block, i.e. the
   * same encoder for every task (the baseline encoder and the "no TIM" ablation). Default false.
   */
  unconditioned?: boolean;
  /** LayerNorm variance epsilon. Default 1e-6; > 0 and <= 0.1. */
  layerNormEpsilon?: number;
  /** Base seed of every weight initializer (each weight derives its own from its name). Default 0; integer. */
  seed?: number;
}

export type ResolvedHypernetEncoderArgs = Readonly<
  Required<Omit<HypernetEncoderArgs, 'maxSequenceLength' | 'poolingUnits'>> & {
    /** 0 when position embeddings are off. */
    maxSequenceLength: number;
    poolingUnits: readonly number[];
  }
>;

/** Defaults of every optional field (feedForwardDim and maxSequenceLength depend on other fields). */
export const DEFAULT_HYPERNET_ENCODER_ARGS = Object.freeze({
  numBlocks: 1,
  numHeads: 2,
  /** Multiplied by embeddingDim. */
  feedForwardMultiplier: 4,
  hypernetworkUnits: 32,
  taskEmbeddingDim: 8,
  behaviorEmbeddingDim: 8,
  positionEmbedding: true,
  attentionDropoutRate: 0,
  feedForwardDropoutRate: 0,
  pooling: 'target-attention-din' as PoolingKind,
  poolingUnits: Object.freeze([32]) as readonly number[],
  unconditioned: false,
  layerNormEpsilon: 1e-6,
  seed: 0,
});

const KEYS: readonly (keyof HypernetEncoderArgs)[] = [
  'numTasks',
  'numBehaviors',
  'embeddingDim',
  'maxSequenceLength',
  'numBlocks',
  'numHeads',
  'feedForwardDim',
  'hypernetworkUnits',
  'taskEmbeddingDim',
  'behaviorEmbeddingDim',
  'positionEmbedding',
  'attentionDropoutRate',
  'feedForwardDropoutRate',
  'pooling',
  'poolingUnits',
  'unconditioned',
  'layerNormEpsilon',
  'seed',
];

const WHERE = 'HypernetEncoderArgs';
const POSITIVE_INTEGER = { integer: true, min: 1 } as const;
const RATE = { min: 0, below: 1 } as const;

/** Validates `raw` strictly (unknown keys name the closest valid one) and fills in defaults. */
export function resolveHypernetEncoderArgs(raw: unknown): ResolvedHypernetEncoderArgs {
  assertPlainObject(raw, WHERE);
  assertKnownKeys(raw, KEYS, WHERE);
  const defaults = DEFAULT_HYPERNET_ENCODER_ARGS;
  const numTasks = checkNumber(raw.numTasks, POSITIVE_INTEGER, `${WHERE}.numTasks`);
  const numBehaviors = checkNumber(raw.numBehaviors, POSITIVE_INTEGER, `${WHERE}.numBehaviors`);
  const embeddingDim = checkNumber(raw.embeddingDim, POSITIVE_INTEGER, `${WHERE}.embeddingDim`);
  const numHeads = optionalNumber(raw.numHeads, defaults.numHeads, POSITIVE_INTEGER, `${WHERE}.numHeads`);
  if (embeddingDim % numHeads !== 0) {
    throw new ConfigError(`${WHERE}.numHeads must divide embeddingDim (${embeddingDim})`, {
      expected: `a divisor of ${embeddingDim}`,
      found: numHeads,
    });
  }
  const positionEmbedding = optionalBoolean(
    raw.positionEmbedding,
    defaults.positionEmbedding,
    `${WHERE}.positionEmbedding`,
  );
  let maxSequenceLength = 0;
  if (positionEmbedding) {
    if (raw.maxSequenceLength === undefined) {
      throw new ConfigError(`${WHERE}.maxSequenceLength is required when positionEmbedding is true`, {
        expected: 'an integer >= 1 (the longest behavior sequence), or positionEmbedding: false',
        found: undefined,
      });
    }
    maxSequenceLength = checkNumber(raw.maxSequenceLength, POSITIVE_INTEGER, `${WHERE}.maxSequenceLength`);
  } else if (raw.maxSequenceLength !== undefined) {
    checkNumber(raw.maxSequenceLength, POSITIVE_INTEGER, `${WHERE}.maxSequenceLength`);
  }
  const pooling = optionalEnum(raw.pooling, defaults.pooling, POOLING_KINDS, `${WHERE}.pooling`);
  const poolingUnits =
    raw.poolingUnits === undefined
      ? defaults.poolingUnits
      : checkNumberArray(raw.poolingUnits, POSITIVE_INTEGER, `${WHERE}.poolingUnits`, { allowEmpty: true });
  return Object.freeze({
    numTasks,
    numBehaviors,
    embeddingDim,
    maxSequenceLength,
    numBlocks: optionalNumber(
      raw.numBlocks,
      defaults.numBlocks,
      { integer: true, min: 1, max: 8 },
      `${WHERE}.numBlocks`,
    ),
    numHeads,
    feedForwardDim: optionalNumber(
      raw.feedForwardDim,
      defaults.feedForwardMultiplier * embeddingDim,
      POSITIVE_INTEGER,
      `${WHERE}.feedForwardDim`,
    ),
    hypernetworkUnits: optionalNumber(
      raw.hypernetworkUnits,
      defaults.hypernetworkUnits,
      POSITIVE_INTEGER,
      `${WHERE}.hypernetworkUnits`,
    ),
    taskEmbeddingDim: optionalNumber(
      raw.taskEmbeddingDim,
      defaults.taskEmbeddingDim,
      POSITIVE_INTEGER,
      `${WHERE}.taskEmbeddingDim`,
    ),
    behaviorEmbeddingDim: optionalNumber(
      raw.behaviorEmbeddingDim,
      defaults.behaviorEmbeddingDim,
      POSITIVE_INTEGER,
      `${WHERE}.behaviorEmbeddingDim`,
    ),
    positionEmbedding,
    attentionDropoutRate: optionalNumber(
      raw.attentionDropoutRate,
      defaults.attentionDropoutRate,
      RATE,
      `${WHERE}.attentionDropoutRate`,
    ),
    feedForwardDropoutRate: optionalNumber(
      raw.feedForwardDropoutRate,
      defaults.feedForwardDropoutRate,
      RATE,
      `${WHERE}.feedForwardDropoutRate`,
    ),
    pooling,
    poolingUnits,
    unconditioned: optionalBoolean(raw.unconditioned, defaults.unconditioned, `${WHERE}.unconditioned`),
    layerNormEpsilon: optionalNumber(
      raw.layerNormEpsilon,
      defaults.layerNormEpsilon,
      { above: 0, max: 0.1 },
      `${WHERE}.layerNormEpsilon`,
    ),
    seed: optionalNumber(raw.seed, defaults.seed, { integer: true }, `${WHERE}.seed`),
  });
}

/** Number of LayerNorms in the encoder: two per block (after attention, after feed-forward). */
export function numLayerNorms(args: Pick<ResolvedHypernetEncoderArgs, 'numBlocks'>): number {
  return 2 * args.numBlocks;
}
