/**
 * The TIM forward pass for all K tasks x M behaviors in one call. Behaviors of equal length are
 * folded into the batch axis ([G*B, L, d]); tasks are folded in once the encoding starts to depend
 * on the task ([K*G*B, L, d]). With post-LN, the first attention sub-layer and its normalisation do
 * not depend on the task, so they run once per behavior group and only the conditional affine
 * (gamma_k,m * z + beta_k,m) fans out over K.
 */
import { deriveSeed } from '@dtrn/base';
import { denseForward, matMul2d } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import { maskBias, maskedSelfAttention } from './attention.js';
import { feedForwardWithResidual } from './feed-forward.js';
import { hypernetEncoderLayerNorms } from './hypernetwork.js';
import {
  checkHypernetEncoderInputShapes,
  groupBehaviorsByLength,
  type HypernetEncoderInputs,
  hypernetEncoderInputShapes,
} from './inputs.js';
import { applyConditionalAffine, standardize } from './layer-norm.js';
import type { EncoderBlockParams, HypernetEncoderParams } from './params.js';
import { poolSequences } from './pooling.js';

export interface HypernetEncoderForwardOptions {
  /** Applies dropout (when the rates are > 0). */
  readonly training: boolean;
  /**
   * Seed of the dropout masks in training. Give a different value per step (e.g. derived from the
   * step number): the same seed gives the same masks. Omitted: unseeded (non-deterministic).
   */
  readonly dropoutSeed?: number;
}

/** u[k][m]: K arrays of M tensors [B, d]. */
export type HypernetEncoderOutputs = tf.Tensor[][];

/**
 * Rows `behaviors` of x [K, M, ...rest] as [K, G, ...rest]: a slice when the indices are
 * contiguous, otherwise a product with a constant one-hot selector (whose gradient, unlike
 * `tf.gather`'s, needs no UnsortedSegmentSum kernel, which wasm lacks).
 */
function selectBehaviors(x: tf.Tensor, behaviors: readonly number[]): tf.Tensor {
  const [numTasks, numBehaviors, ...rest] = x.shape as number[];
  const first = behaviors[0]!;
  if (behaviors.every((m, i) => m === first + i)) {
    return tf.slice(x, [0, first, ...rest.map(() => 0)], [numTasks!, behaviors.length, ...rest]); // [K, G, ...]
  }
  const selector = tf.cast(tf.oneHot(tf.tensor1d(behaviors as number[], 'int32'), numBehaviors!), 'float32'); // [G, M]
  const byBehavior = tf.reshape(tf.transpose(x, [1, 0, ...rest.map((_, i) => i + 2)]), [numBehaviors!, -1]); // [M, K*rest]
  const picked = tf.reshape(matMul2d(selector as tf.Tensor2D, byBehavior as tf.Tensor2D), [
    behaviors.length,
    numTasks!,
    ...rest,
  ]); // [G, K, ...rest]
  return tf.transpose(picked, [1, 0, ...rest.map((_, i) => i + 2)]); // [K, G, ...rest]
}

interface GroupContext {
  readonly params: HypernetEncoderParams;
  readonly options: HypernetEncoderForwardOptions;
  /** [K, G, norms, d] each (conditioned mode). */
  readonly gamma?: tf.Tensor | undefined;
  readonly beta?: tf.Tensor | undefined;
  readonly groupSize: number;
  readonly seedLabel: string;
}

function dropout(x: tf.Tensor, rate: number, context: GroupContext, site: string): tf.Tensor {
  if (!context.options.training || rate <= 0) return x;
  const base = context.options.dropoutSeed;
  const seed = base === undefined ? undefined : deriveSeed(base, context.seedLabel, site);
  return tf.dropout(x, rate, undefined, seed);
}

/**
 * Post-LN normalisation n of the block: standardize, then the (shared or conditional) affine.
 * x [R*G*B, L, d] -> [K*G*B, L, d] (conditioned) or [G*B, L, d] (unconditioned).
 */
function normalize(x: tf.Tensor, norm: number, replicas: number, context: GroupContext): tf.Tensor {
  const { args } = context.params;
  const [rows, length, d] = x.shape as [number, number, number];
  const z = standardize(x, args.layerNormEpsilon); // [R*G*B, L, d]
  if (!context.gamma || !context.beta) {
    const shared = context.params.layerNorm!;
    const pick = (t: tf.Tensor) => tf.reshape(tf.slice(t, [norm, 0], [1, d]), [d]); // [d]
    return tf.add(tf.mul(z, pick(shared.gamma)), pick(shared.beta)); // [G*B, L, d]
  }
  const pick = (t: tf.Tensor) => tf.squeeze(tf.slice(t, [0, 0, norm, 0], [-1, -1, 1, -1]), [2]); // [K, G, d]
  const groups = context.groupSize;
  const batch = rows / (replicas * groups);
  const shaped =
    replicas === 1
      ? tf.reshape(z, [groups, batch, length, d])
      : tf.reshape(z, [replicas, groups, batch, length, d]);
  return applyConditionalAffine(shaped, pick(context.gamma), pick(context.beta)); // [K*G*B, L, d]
}

/** x + dropout(FFN(x)): one fused op with a lean backward unless dropout is active. x [N, L, d]. */
function feedForwardSublayer(
  x: tf.Tensor,
  block: EncoderBlockParams,
  rate: number,
  context: GroupContext,
  blockIndex: number,
): tf.Tensor {
  const [inner, outer] = block.feedForward;
  if (context.options.training && rate > 0) {
    const hidden = denseForward(x, inner, 'relu'); // [N, L, ff]
    const fed = denseForward(hidden, outer); // [N, L, d]
    return tf.add(x, dropout(fed, rate, context, `${blockIndex}/feed-forward`)); // [N, L, d]
  }
  const d = x.shape[2]!;
  const rows = tf.reshape(x, [-1, d]) as tf.Tensor2D; // [N*L, d]
  const out = feedForwardWithResidual(
    rows,
    inner.kernel as tf.Tensor2D,
    inner.bias as tf.Tensor1D,
    outer.kernel as tf.Tensor2D,
    outer.bias as tf.Tensor1D,
  ); // [N*L, d]
  return tf.reshape(out, x.shape); // [N, L, d]
}

function encodeBlock(
  x: tf.Tensor,
  keyBias: tf.Tensor,
  block: EncoderBlockParams,
  blockIndex: number,
  context: GroupContext,
): tf.Tensor {
  const { args } = context.params;
  const replicas = x.shape[0]! / keyBias.shape[0]!;
  const attended = maskedSelfAttention(x, keyBias, block, {
    numHeads: args.numHeads,
    dropoutRate: args.attentionDropoutRate,
    training: context.options.training,
    seed:
      context.options.dropoutSeed === undefined
        ? undefined
        : deriveSeed(context.options.dropoutSeed, context.seedLabel, blockIndex, 'attention-probabilities'),
  }); // [R*G*B, L, d]
  const rate = args.feedForwardDropoutRate;
  const afterAttention = normalize(
    tf.add(x, dropout(attended, rate, context, `${blockIndex}/attention-output`)),
    2 * blockIndex,
    replicas,
    context,
  ); // [K*G*B, L, d]
  const afterFeedForward = feedForwardSublayer(afterAttention, block, rate, context, blockIndex); // [K*G*B, L, d]
  const outReplicas = afterFeedForward.shape[0]! / keyBias.shape[0]!;
  return normalize(afterFeedForward, 2 * blockIndex + 1, outReplicas, context); // [K*G*B, L, d]
}

/**
 * Encodes and pools every (task, behavior) pair. Pure over `params` (variables or
 * `LayerVariable.read()` values), wrapped in `tf.tidy`; returns u[k][m] ([B, d]), K x M new
 * tensors the caller disposes (in the unconditioned mode the K tensors of a behavior are clones
 * sharing one buffer: dispose each of them).
 *
 * @throws ShapeError when the inputs do not match `params.args` (see `checkHypernetEncoderInputShapes`).
 */
export function hypernetEncoderForward(
  params: HypernetEncoderParams,
  inputs: HypernetEncoderInputs,
  options: HypernetEncoderForwardOptions,
): HypernetEncoderOutputs {
  const { args } = params;
  checkHypernetEncoderInputShapes(args, hypernetEncoderInputShapes(inputs), 'HypernetEncoder inputs');
  const { numTasks, embeddingDim: d } = args;
  return tf.tidy(() => {
    const outputs: tf.Tensor[][] = Array.from({ length: numTasks }, () => []);
    const norms = params.hypernetwork ? hypernetEncoderLayerNorms(params) : undefined; // [K, M, 2*blocks, d]
    const batch = inputs.target.shape[0]!;
    const groups = groupBehaviorsByLength(inputs.sequences.map((s) => s.shape[1]!));
    for (const { length, behaviors } of groups) {
      const groupSize = behaviors.length;
      const stack = (list: readonly tf.Tensor[]) =>
        groupSize === 1
          ? list[behaviors[0]!]!
          : tf.concat(
              behaviors.map((m) => list[m]!),
              0,
            );
      let x = stack(inputs.sequences); // [G*B, L, d]
      const masks = inputs.masks.map((mask) => (mask.dtype === 'float32' ? mask : tf.cast(mask, 'float32')));
      const mask = stack(masks); // [G*B, L]
      if (params.positionEmbedding) {
        const rows = params.positionEmbedding.shape[0]!;
        x = tf.add(x, tf.slice(params.positionEmbedding, [rows - length, 0], [length, d])); // [G*B, L, d]
      }
      const context: GroupContext = {
        params,
        options,
        gamma: norms ? selectBehaviors(norms.gamma, behaviors) : undefined,
        beta: norms ? selectBehaviors(norms.beta, behaviors) : undefined,
        groupSize,
        seedLabel: `length-${length}`,
      };
      const keyBias = maskBias(mask); // [G*B, L]
      params.blocks.forEach((block, blockIndex) => {
        x = encodeBlock(x, keyBias, block, blockIndex, context); // [R*G*B, L, d]
      });
      const replicas = x.shape[0]! / (groupSize * batch);
      const pooled = poolSequences(
        args.pooling,
        {
          encoded: tf.reshape(x, [replicas, groupSize, batch, length, d]), // [R, G, B, L, d]
          mask: tf.reshape(mask, [groupSize, batch, length]), // [G, B, L]
          target: inputs.target,
        },
        params.pooling,
      ); // [R, G, B, d]
      // tfjs cannot differentiate an unstack into a single tensor (Unpack's gradient then gets a
      // bare tensor, not a list), so one row is reshaped instead.
      const interests =
        replicas * groupSize === 1
          ? [tf.reshape(pooled, [batch, d])]
          : tf.unstack(tf.reshape(pooled, [replicas * groupSize, batch, d])); // R*G x [B, d]
      for (let k = 0; k < numTasks; k++) {
        behaviors.forEach((m, g) => {
          const shared = replicas === 1;
          const interest = interests[(shared ? 0 : k) * groupSize + g]!;
          outputs[k]![m] = shared && k > 0 ? tf.clone(interest) : interest;
        });
      }
    }
    return outputs;
  });
}
