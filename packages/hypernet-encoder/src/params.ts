/**
 * The encoder's weights: one list of weight specs (stable names, shapes, seeded initializers) that
 * both the functional API (`createHypernetEncoderParams`, plain variables) and the Layer (`addWeight`)
 * create, the typed params object the forward function reads, and the closed-form parameter count.
 */
import { type DenseParams, type InitializerName, mlpParameterCount, seededInitializer } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import { numLayerNorms, type ResolvedHypernetEncoderArgs } from './args.js';

/** One Transformer block's shared weights. */
export interface EncoderBlockParams {
  /** Fused query/key/value projection: kernel [d, 3d] (columns q | k | v), bias [3d]. */
  readonly queryKeyValue: DenseParams;
  /** Attention output projection: kernel [d, d], bias [d]. */
  readonly attentionOutput: DenseParams;
  /** Feed-forward: [d, feedForwardDim] (relu) then [feedForwardDim, d]. */
  readonly feedForward: readonly [DenseParams, DenseParams];
}

/** The hypernetwork that generates every conditional LayerNorm's (gamma, beta). */
export interface HypernetworkParams {
  /** T: [K, taskEmbeddingDim]. */
  readonly taskEmbedding: tf.Tensor;
  /** B: [M, behaviorEmbeddingDim]. */
  readonly behaviorEmbedding: tf.Tensor;
  /** [taskEmbeddingDim + behaviorEmbeddingDim, units] (relu), then [units, 2 * numLayerNorms * d] (zero-initialised). */
  readonly layers: readonly [DenseParams, DenseParams];
}

/** The shared LayerNorms of the unconditioned mode; row 2b is block b's post-attention norm, 2b+1 its post-FFN norm. */
export interface SharedLayerNormParams {
  /** [numLayerNorms, d], initialised to ones. */
  readonly gamma: tf.Tensor;
  /** [numLayerNorms, d], initialised to zeros. */
  readonly beta: tf.Tensor;
}

/** All weights, typed with `tf.Tensor` so variables and `LayerVariable.read()` values both work. */
export interface HypernetEncoderParams {
  /** The resolved args the weights were created for (the forward function reads its options here). */
  readonly args: ResolvedHypernetEncoderArgs;
  /** Present unless `unconditioned`. */
  readonly hypernetwork?: HypernetworkParams;
  /** Present when `unconditioned`. */
  readonly layerNorm?: SharedLayerNormParams;
  /** [maxSequenceLength, d]; present when `positionEmbedding`. Row maxSequenceLength-1 is the newest element. */
  readonly positionEmbedding?: tf.Tensor;
  readonly blocks: readonly EncoderBlockParams[];
  /** DIN scorer layers ([4d, u1], ..., [u_last, 1]); empty for the other poolings. */
  readonly pooling: readonly DenseParams[];
}

export interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly initializer: InitializerName;
}

function denseSpecs(name: string, inputDim: number, units: number, kernel: InitializerName): WeightSpec[] {
  return [
    { name: `${name}/kernel`, shape: [inputDim, units], initializer: kernel },
    { name: `${name}/bias`, shape: [units], initializer: 'zeros' },
  ];
}

/** Sizes of the theta vector the hypernetwork emits per (task, behavior): delta-gamma then delta-beta. */
export function hypernetworkOutputDim(args: ResolvedHypernetEncoderArgs): number {
  return 2 * numLayerNorms(args) * args.embeddingDim;
}

/**
 * Every weight with its stable name (the keys of `hypernetEncoderVariables`), shape and initializer:
 * - `hypernet/task_embedding` [K, et], `hypernet/behavior_embedding` [M, eb],
 *   `hypernet/0/{kernel,bias}`, `hypernet/1/{kernel,bias}` (conditioned mode), or
 *   `layer_norm/{gamma,beta}` [2 * numBlocks, d] (unconditioned mode);
 * - `position_embedding` [maxSequenceLength, d] (optional);
 * - `block/{b}/attention/query_key_value/{kernel,bias}`, `block/{b}/attention/output/{kernel,bias}`,
 *   `block/{b}/feed_forward/{0,1}/{kernel,bias}`;
 * - `pooling/{i}/{kernel,bias}` (DIN pooling).
 */
export function hypernetEncoderWeightSpecs(args: ResolvedHypernetEncoderArgs): WeightSpec[] {
  const d = args.embeddingDim;
  const specs: WeightSpec[] = [];
  if (args.unconditioned) {
    const rows = numLayerNorms(args);
    specs.push({ name: 'layer_norm/gamma', shape: [rows, d], initializer: 'ones' });
    specs.push({ name: 'layer_norm/beta', shape: [rows, d], initializer: 'zeros' });
  } else {
    const conditionDim = args.taskEmbeddingDim + args.behaviorEmbeddingDim;
    specs.push({
      name: 'hypernet/task_embedding',
      shape: [args.numTasks, args.taskEmbeddingDim],
      initializer: 'glorotUniform',
    });
    specs.push({
      name: 'hypernet/behavior_embedding',
      shape: [args.numBehaviors, args.behaviorEmbeddingDim],
      initializer: 'glorotUniform',
    });
    specs.push(...denseSpecs('hypernet/0', conditionDim, args.hypernetworkUnits, 'glorotUniform'));
    // Zero last layer: every generated LayerNorm starts as a plain one (gamma 1, beta 0).
    specs.push(...denseSpecs('hypernet/1', args.hypernetworkUnits, hypernetworkOutputDim(args), 'zeros'));
  }
  if (args.positionEmbedding) {
    specs.push({
      name: 'position_embedding',
      shape: [args.maxSequenceLength, d],
      initializer: 'truncatedNormal',
    });
  }
  for (let b = 0; b < args.numBlocks; b++) {
    specs.push(...denseSpecs(`block/${b}/attention/query_key_value`, d, 3 * d, 'glorotUniform'));
    specs.push(...denseSpecs(`block/${b}/attention/output`, d, d, 'glorotUniform'));
    specs.push(...denseSpecs(`block/${b}/feed_forward/0`, d, args.feedForwardDim, 'glorotUniform'));
    specs.push(...denseSpecs(`block/${b}/feed_forward/1`, args.feedForwardDim, d, 'glorotUniform'));
  }
  if (args.pooling === 'target-attention-din') {
    let previous = 4 * d;
    [...args.poolingUnits, 1].forEach((units, index) => {
      specs.push(...denseSpecs(`pooling/${index}`, previous, units, 'glorotUniform'));
      previous = units;
    });
  }
  return specs;
}

/** Builds the typed params object from weights keyed by their spec names. */
export function hypernetEncoderParamsFromRecord(
  args: ResolvedHypernetEncoderArgs,
  weights: Readonly<Record<string, tf.Tensor>>,
): HypernetEncoderParams {
  const get = (name: string): tf.Tensor => {
    const weight = weights[name];
    if (!weight) throw new Error(`hypernet-encoder: weight "${name}" is missing`);
    return weight;
  };
  const dense = (name: string): DenseParams => ({ kernel: get(`${name}/kernel`), bias: get(`${name}/bias`) });
  const blocks: EncoderBlockParams[] = [];
  for (let b = 0; b < args.numBlocks; b++) {
    blocks.push({
      queryKeyValue: dense(`block/${b}/attention/query_key_value`),
      attentionOutput: dense(`block/${b}/attention/output`),
      feedForward: [dense(`block/${b}/feed_forward/0`), dense(`block/${b}/feed_forward/1`)],
    });
  }
  const pooling =
    args.pooling === 'target-attention-din'
      ? [...args.poolingUnits, 1].map((_, index) => dense(`pooling/${index}`))
      : [];
  return {
    args,
    hypernetwork: args.unconditioned
      ? undefined
      : {
          taskEmbedding: get('hypernet/task_embedding'),
          behaviorEmbedding: get('hypernet/behavior_embedding'),
          layers: [dense('hypernet/0'), dense('hypernet/1')],
        },
    layerNorm: args.unconditioned
      ? { gamma: get('layer_norm/gamma'), beta: get('layer_norm/beta') }
      : undefined,
    positionEmbedding: args.positionEmbedding ? get('position_embedding') : undefined,
    blocks,
    pooling,
  };
}

/**
 * Creates every weight as a trainable `tf.Variable`, seeded by `args.seed` and the weight's name
 * (same seed, same weights; the Layer creates identical values). The caller disposes them, e.g.
 * `tf.dispose(Object.values(hypernetEncoderVariables(params)))`.
 */
export function createHypernetEncoderParams(args: ResolvedHypernetEncoderArgs): HypernetEncoderParams {
  const record: Record<string, tf.Variable> = {};
  for (const spec of hypernetEncoderWeightSpecs(args)) {
    const initial = seededInitializer(spec.initializer, args.seed, spec.name).apply([...spec.shape]);
    record[spec.name] = tf.variable(initial, true);
    initial.dispose();
  }
  return hypernetEncoderParamsFromRecord(args, record);
}

/** A flat map of the params by their stable names (see `hypernetEncoderWeightSpecs`). */
export function hypernetEncoderVariables<T extends tf.Tensor = tf.Variable>(
  params: HypernetEncoderParams,
): Record<string, T> {
  const out: Record<string, tf.Tensor> = {};
  const dense = (name: string, layer: DenseParams) => {
    out[`${name}/kernel`] = layer.kernel;
    if (layer.bias) out[`${name}/bias`] = layer.bias;
  };
  if (params.hypernetwork) {
    out['hypernet/task_embedding'] = params.hypernetwork.taskEmbedding;
    out['hypernet/behavior_embedding'] = params.hypernetwork.behaviorEmbedding;
    params.hypernetwork.layers.forEach((layer, index) => {
      dense(`hypernet/${index}`, layer);
    });
  }
  if (params.layerNorm) {
    out['layer_norm/gamma'] = params.layerNorm.gamma;
    out['layer_norm/beta'] = params.layerNorm.beta;
  }
  if (params.positionEmbedding) out.position_embedding = params.positionEmbedding;
  params.blocks.forEach((block, b) => {
    dense(`block/${b}/attention/query_key_value`, block.queryKeyValue);
    dense(`block/${b}/attention/output`, block.attentionOutput);
    block.feedForward.forEach((layer, index) => {
      dense(`block/${b}/feed_forward/${index}`, layer);
    });
  });
  params.pooling.forEach((layer, index) => {
    dense(`pooling/${index}`, layer);
  });
  return out as Record<string, T>;
}

/** Parameters of one Transformer block (attention and feed-forward, without LayerNorms). */
function blockParameterCount(args: ResolvedHypernetEncoderArgs): number {
  const d = args.embeddingDim;
  return (
    mlpParameterCount(d, [3 * d]) + mlpParameterCount(d, [d]) + mlpParameterCount(d, [args.feedForwardDim, d])
  );
}

/** Closed-form number of trainable parameters. */
export function hypernetEncoderParameterCount(args: ResolvedHypernetEncoderArgs): number {
  const d = args.embeddingDim;
  let total = args.numBlocks * blockParameterCount(args);
  if (args.unconditioned) {
    total += 2 * numLayerNorms(args) * d;
  } else {
    const conditionDim = args.taskEmbeddingDim + args.behaviorEmbeddingDim;
    total += args.numTasks * args.taskEmbeddingDim + args.numBehaviors * args.behaviorEmbeddingDim;
    total += mlpParameterCount(conditionDim, [args.hypernetworkUnits, hypernetworkOutputDim(args)]);
  }
  if (args.positionEmbedding) total += args.maxSequenceLength * d;
  if (args.pooling === 'target-attention-din') total += mlpParameterCount(4 * d, [...args.poolingUnits, 1]);
  return total;
}

/**
 * Parameters of the alternative TIM replaces: K * M independent encoders (own attention,
 * feed-forward, LayerNorms, position embedding and pooling scorer per (task, behavior) pair).
 */
export function independentEncodersParameterCount(args: ResolvedHypernetEncoderArgs): number {
  const single = hypernetEncoderParameterCount({ ...args, unconditioned: true });
  return args.numTasks * args.numBehaviors * single;
}
