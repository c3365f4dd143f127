/**
 * The encoder on one bucket of compacted sequences ([n, L, d], see compaction.ts): the Transformer
 * blocks, then the pooling into one interest per (task, sequence).
 *
 * Tasks are folded in once the encoding starts to depend on the task ([K*n, L, d]). With post-LN
 * the first attention sub-layer and its normalisation do not depend on the task, so they run once
 * and only the conditional affine (gamma_k,m * z + beta_k,m, with m each sequence's behavior) fans
 * out over K.
 */
import { deriveSeed } from '@dtrn/base';
import { denseForward } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import { maskedSelfAttention } from './attention.js';
import { type AttentionWeights, attentionSublayer } from './attention-sublayer.js';
import { dinPool } from './din-pool.js';
import { feedForwardWithResidual } from './feed-forward.js';
import type { HypernetEncoderForwardOptions } from './inputs.js';
import { applyConditionalAffine, standardize } from './layer-norm.js';
import { normFeedForward } from './norm-feed-forward.js';
import type { EncoderBlockParams, HypernetEncoderParams } from './params.js';
import { poolSequences } from './pooling.js';

/** Per-sequence (gamma, beta) of one conditional LayerNorm: both [K, n, d]. */
export type NormConditions = (norm: number) => { gamma: tf.Tensor; beta: tf.Tensor };

export interface BucketContext {
  readonly params: HypernetEncoderParams;
  readonly options: HypernetEncoderForwardOptions;
  /** The conditional LayerNorms of the bucket's sequences; undefined when unconditioned. */
  readonly conditions: NormConditions | undefined;
  /** Distinguishes the bucket's dropout seeds. */
  readonly seedLabel: string;
  /** Every block's attention weights cut per head (`attentionWeights`, once per forward call). */
  readonly attention: readonly AttentionWeights[];
}

function dropout(x: tf.Tensor, rate: number, context: BucketContext, site: string): tf.Tensor {
  if (!context.options.training || rate <= 0) return x;
  const base = context.options.dropoutSeed;
  const seed = base === undefined ? undefined : deriveSeed(base, context.seedLabel, site);
  return tf.dropout(x, rate, undefined, seed);
}

/**
 * Post-LN normalisation `norm` of a block: standardize, then the (shared or conditional) affine.
 * x [R*n, L, d] with R = 1 or K -> [K*n, L, d] (conditioned) or [n, L, d] (unconditioned).
 */
function normalize(x: tf.Tensor, norm: number, replicas: number, context: BucketContext): tf.Tensor {
  const { args } = context.params;
  const [rows, length, d] = x.shape as [number, number, number];
  const z = standardize(x, args.layerNormEpsilon); // [R*n, L, d]
  if (!context.conditions) {
    const shared = context.params.layerNorm!;
    const pick = (t: tf.Tensor) => tf.reshape(tf.slice(t, [norm, 0], [1, d]), [d]); // [d]
    return tf.add(tf.mul(z, pick(shared.gamma)), pick(shared.beta)); // [n, L, d]
  }
  const { gamma, beta } = context.conditions(norm); // [K, n, d] each
  const sequences = rows / replicas;
  // Each sequence is its own group of the conditional affine (its behavior picks its gamma, beta).
  const shaped =
    replicas === 1
      ? tf.reshape(z, [sequences, 1, length, d]) // [n, 1, L, d]
      : tf.reshape(z, [replicas, sequences, 1, length, d]); // [K, n, 1, L, d]
  return applyConditionalAffine(shaped, gamma, beta); // [K*n, L, d]
}

/** x + dropout(FFN(x)): one fused op with a lean backward unless dropout is active. x [N, L, d]. */
function feedForwardSublayer(
  x: tf.Tensor,
  block: EncoderBlockParams,
  rate: number,
  context: BucketContext,
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

/**
 * One post-LN block from separate ops that autodiff differentiates: the form with dropout.
 * x [R*n, L, d], keyBias [n, L] -> [K*n, L, d] (or [n, L, d] unconditioned).
 */
function encodeBlockComposite(
  x: tf.Tensor,
  keyBias: tf.Tensor,
  block: EncoderBlockParams,
  blockIndex: number,
  context: BucketContext,
): tf.Tensor {
  const { args } = context.params;
  const sequences = keyBias.shape[0]!;
  const replicas = x.shape[0]! / sequences;
  const attended = maskedSelfAttention(x, keyBias, block, {
    numHeads: args.numHeads,
    dropoutRate: args.attentionDropoutRate,
    training: context.options.training,
    seed:
      context.options.dropoutSeed === undefined
        ? undefined
        : deriveSeed(context.options.dropoutSeed, context.seedLabel, blockIndex, 'attention-probabilities'),
  }); // [R*n, L, d]
  const rate = args.feedForwardDropoutRate;
  const afterAttention = normalize(
    tf.add(x, dropout(attended, rate, context, `${blockIndex}/attention-output`)), // [R*n, L, d]
    2 * blockIndex,
    replicas,
    context,
  ); // [K*n, L, d]
  const afterFeedForward = feedForwardSublayer(afterAttention, block, rate, context, blockIndex); // [K*n, L, d]
  return normalize(afterFeedForward, 2 * blockIndex + 1, afterFeedForward.shape[0]! / sequences, context); // [K*n, L, d]
}

/** Both LayerNorms' (gamma, beta) of block b for the bucket's sequences: [K, n, d] (K = 1 unconditioned). */
function blockNorms(blockIndex: number, sequences: number, context: BucketContext) {
  const pick = (norm: number) => {
    if (context.conditions) return context.conditions(norm); // [K, n, d] each
    const shared = context.params.layerNorm!;
    const d = shared.gamma.shape[1]!;
    const row = (t: tf.Tensor) =>
      tf.broadcastTo(tf.reshape(tf.slice(t, [norm, 0], [1, d]), [1, 1, d]), [1, sequences, d]); // [1, n, d]
    return { gamma: row(shared.gamma), beta: row(shared.beta) };
  };
  const [first, second] = [pick(2 * blockIndex), pick(2 * blockIndex + 1)];
  return { gamma1: first.gamma, beta1: first.beta, gamma2: second.gamma, beta2: second.beta };
}

/**
 * Internal switch for benchmarks (bench/kernels.bench.mjs): the LayerNorm/FFN/LayerNorm part as one
 * fused op (default) or as the separate custom ops the dropout form uses. In a whole TIM step they
 * take the same time; the fused op lowers the tensor peak (fewer saved copies, no intermediate
 * gradients held on the tape).
 */
export const FUSION = { normFeedForward: true };

/**
 * One post-LN block as two fused ops (attention-sublayer.ts, norm-feed-forward.ts): the form
 * without dropout. x [R*n, L, d], keyBias [n, L] -> [K*n, L, d] (or [n, L, d] unconditioned).
 */
function encodeBlockFused(
  x: tf.Tensor,
  keyBias: tf.Tensor,
  block: EncoderBlockParams,
  blockIndex: number,
  context: BucketContext,
): tf.Tensor {
  const { args } = context.params;
  const attended = attentionSublayer(x, keyBias, context.attention[blockIndex]!); // [R*n, L, d], residual included
  const sequences = keyBias.shape[0]!;
  if (!FUSION.normFeedForward) {
    const normalized = normalize(attended, 2 * blockIndex, attended.shape[0]! / sequences, context); // [K*n, L, d]
    const fed = feedForwardSublayer(normalized, block, 0, context, blockIndex); // [K*n, L, d]
    return normalize(fed, 2 * blockIndex + 1, fed.shape[0]! / sequences, context); // [K*n, L, d]
  }
  const [inner, outer] = block.feedForward;
  const norms = blockNorms(blockIndex, sequences, context);
  return normFeedForward(
    attended,
    {
      ...norms,
      innerKernel: inner.kernel,
      innerBias: inner.bias ?? tf.zeros([inner.kernel.shape[1]!]),
      outerKernel: outer.kernel,
      outerBias: outer.bias ?? tf.zeros([outer.kernel.shape[1]!]),
    },
    args.layerNormEpsilon,
  ); // [K*n, L, d]
}

/** Whether this call applies dropout anywhere in the blocks. */
function usesDropout(context: BucketContext): boolean {
  const { args } = context.params;
  return context.options.training && (args.attentionDropoutRate > 0 || args.feedForwardDropoutRate > 0);
}

/**
 * Encodes and pools one bucket. x [n, L, d] (positions added), mask [n, L] (1 valid, 0 padding),
 * targets [n, d] (each sequence's target item) -> pooled interests [R, n, d] (R = K, or 1 when
 * unconditioned).
 */
export function encodeBucket(
  x: tf.Tensor,
  mask: tf.Tensor,
  targets: tf.Tensor,
  context: BucketContext,
): tf.Tensor {
  return tf.tidy(() => {
    const { params } = context;
    const [sequences, length, d] = x.shape as [number, number, number];
    const keyBias = tf.mul(tf.sub(mask, 1), 1e9); // [n, L]: 0 valid, -1e9 padding
    let encoded = x; // [n, L, d]
    const encodeBlock = usesDropout(context) ? encodeBlockComposite : encodeBlockFused;
    params.blocks.forEach((block, blockIndex) => {
      encoded = encodeBlock(encoded, keyBias, block, blockIndex, context); // [R*n, L, d]
    });
    const replicas = encoded.shape[0]! / sequences;
    if (params.args.pooling === 'target-attention-din') {
      return dinPool(tf.reshape(encoded, [replicas, sequences, length, d]), mask, targets, params.pooling); // [R, n, d]
    }
    const pooled = poolSequences(
      params.args.pooling,
      {
        encoded: tf.reshape(encoded, [replicas, 1, sequences, length, d]), // [R, 1, n, L, d]
        mask: tf.reshape(mask, [1, sequences, length]), // [1, n, L]
        target: targets, // [n, d]
      },
      params.pooling,
    ); // [R, 1, n, d]
    return tf.reshape(pooled, [replicas, sequences, d]); // [R, n, d]
  });
}
