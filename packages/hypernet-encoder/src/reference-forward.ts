/**
 * The plain TIM forward: the paper's equations one (task, behavior) pair at a time, written to be
 * read. It computes what `hypernetEncoderForward` (forward.ts) computes, without any of its
 * performance work (no compaction, no buckets, no fused ops, no hand-written gradients): the README
 * section "The plain forward and the fast one" walks each trick of the fast path against the
 * functions below, and a test holds the two to 1e-5 (outputs and gradients).
 *
 * For task k and behavior m (X: the m-th sequence [B, L, d], t: the target item [B, d]):
 *
 *   (gamma, beta) = hypernetwork(T_k, B_m)                 one pair per LayerNorm    (hypernetwork.ts)
 *   X = X + P[-L:]                                         learned positions, end-aligned
 *   per block:  X = CLN(X + MHA(X))                        post-LN self-attention block
 *               X = CLN(X + FFN(X))
 *   a = softmax(score(X, t) masked),  u[k][m] = sum_l a_l X_l   target attention (DIN) pooling
 */
import { deriveSeed } from '@dtrn/base';
import { type DenseParams, denseForward, mlpForward } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { ResolvedHypernetEncoderArgs } from './args.js';
import type { HypernetEncoderForwardOptions, HypernetEncoderOutputs } from './forward.js';
import { hypernetEncoderLayerNormsFor } from './hypernetwork.js';
import {
  checkHypernetEncoderInputShapes,
  type HypernetEncoderInputs,
  hypernetEncoderInputShapes,
} from './inputs.js';
import type { EncoderBlockParams, HypernetEncoderParams } from './params.js';

/** Dropout sites of one (task, behavior) pass; `site` names where (the seed derives from it). */
type Dropout = (x: tf.Tensor, rate: number, site: string) => tf.Tensor;

/** CLN(x) = gamma * (x - mean) / sqrt(var + eps) + beta over the last axis. x [B, L, d], gamma, beta [d]. */
function conditionalLayerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number) {
  const { mean, variance } = tf.moments(x, -1, true); // [B, L, 1] each
  const normalized = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon))); // [B, L, d]
  return tf.add(tf.mul(normalized, gamma), beta); // [B, L, d]
}

/**
 * MHA(X) = concat_h(softmax(Q_h K_h^T / sqrt(dh) + keyBias) V_h) W_o + b_o, with Q | K | V = X W_qkv +
 * b_qkv. x [B, L, d], keyBias [B, L] (0 on valid keys, -1e9 on padding) -> [B, L, d].
 */
function selfAttention(
  x: tf.Tensor,
  keyBias: tf.Tensor,
  block: EncoderBlockParams,
  numHeads: number,
  dropout: Dropout,
  dropoutRate: number,
): tf.Tensor {
  const [batch, length, d] = x.shape as [number, number, number];
  const headDim = d / numHeads;
  const qkv = denseForward(x, block.queryKeyValue); // [B, L, 3d]
  const toHeads = (t: tf.Tensor) =>
    tf.transpose(tf.reshape(t, [batch, length, numHeads, headDim]), [0, 2, 1, 3]); // [B, h, L, dh]
  const [q, k, v] = tf.split(qkv, 3, 2).map(toHeads) as [tf.Tensor, tf.Tensor, tf.Tensor]; // [B, h, L, dh] each
  const scores = tf.div(tf.matMul(q, k, false, true), Math.sqrt(headDim)); // [B, h, L, L]
  const masked = tf.add(scores, tf.reshape(keyBias, [batch, 1, 1, length])); // [B, h, L, L]: padded keys -1e9
  const probabilities = dropout(tf.softmax(masked), dropoutRate, 'attention-probabilities'); // [B, h, L, L]
  const attended = tf.matMul(probabilities, v); // [B, h, L, dh]
  const merged = tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [batch, length, d]); // [B, L, d]
  return denseForward(merged, block.attentionOutput); // [B, L, d]
}

/** FFN(X) = relu(X W1 + b1) W2 + b2. x [B, L, d] -> [B, L, d]. */
function feedForward(x: tf.Tensor, block: EncoderBlockParams): tf.Tensor {
  const [inner, outer] = block.feedForward;
  return denseForward(denseForward(x, inner, 'relu'), outer); // [B, L, ff] -> [B, L, d]
}

/**
 * Pools the encoded sequence x [B, L, d] into one interest [B, d]: `mean` (over valid positions), or
 * target attention whose score is h . t / sqrt(d) (`target-attention-dot`) or the DIN scorer MLP of
 * [h, t, h - t, h * t] (`target-attention-din`). An all-padding sequence gives exactly 0.
 */
function pool(
  x: tf.Tensor,
  mask: tf.Tensor,
  target: tf.Tensor,
  args: ResolvedHypernetEncoderArgs,
  scorer: readonly DenseParams[],
): tf.Tensor {
  const [batch, length, d] = x.shape as [number, number, number];
  if (args.pooling === 'mean') {
    const summed = tf.sum(tf.mul(x, tf.expandDims(mask, 2)), 1); // [B, d]
    return tf.div(summed, tf.maximum(tf.sum(mask, 1, true), 1)); // [B, d]
  }
  const t = tf.broadcastTo(tf.expandDims(target, 1), [batch, length, d]); // [B, L, d]: t at every position
  let scores: tf.Tensor; // [B, L]
  if (args.pooling === 'target-attention-dot') {
    scores = tf.div(tf.sum(tf.mul(x, t), 2), Math.sqrt(d)); // [B, L]
  } else {
    // The scorer's first layer is relu even when it is its only layer (poolingUnits: []), as in the
    // fast forward and the ONNX export; the layers after it are relu, then one linear unit.
    const [first, ...rest] = scorer;
    const features = tf.concat([x, t, tf.sub(x, t), tf.mul(x, t)], 2); // [B, L, 4d]
    const hidden = denseForward(features, first!, 'relu'); // [B, L, u1]
    const score = mlpForward(hidden, rest, { activation: 'relu', outputActivation: 'linear' }); // [B, L, 1]
    scores = tf.reshape(score, [batch, length]); // [B, L]
  }
  const weights = tf.softmax(tf.add(scores, tf.mul(tf.sub(mask, 1), 1e9))); // [B, L]: padding gets 0
  const pooled = tf.sum(tf.mul(x, tf.expandDims(weights, 2)), 1); // [B, d]
  const anyValid = tf.cast(tf.greater(tf.sum(mask, 1, true), 0), 'float32'); // [B, 1]
  return tf.mul(pooled, anyValid); // [B, d]
}

/** u[k][m] [B, d]: behavior m's sequence encoded with the LayerNorms of pair (k, m), then pooled. */
function interestOf(
  params: HypernetEncoderParams,
  inputs: HypernetEncoderInputs,
  k: number,
  m: number,
  dropout: Dropout,
): tf.Tensor {
  const { args } = params;
  const d = args.embeddingDim;
  // 1. The hypernetwork: every LayerNorm's (gamma, beta) for this (task, behavior) pair.
  const norms = hypernetEncoderLayerNormsFor(params, k, m); // gamma, beta [2 * blocks, d]
  const gamma = (n: number) => tf.reshape(tf.slice(norms.gamma, [n, 0], [1, d]), [d]); // [d]
  const beta = (n: number) => tf.reshape(tf.slice(norms.beta, [n, 0], [1, d]), [d]); // [d]
  // 2. The sequence, its mask (any non-zero value is valid) and learned positions, end-aligned.
  const mask = tf.cast(tf.notEqual(inputs.masks[m]!, 0), 'float32'); // [B, L]
  const length = mask.shape[1]!;
  let x = inputs.sequences[m]!; // [B, L, d]
  if (params.positionEmbedding) {
    const rows = params.positionEmbedding.shape[0]!;
    x = tf.add(x, tf.slice(params.positionEmbedding, [rows - length, 0], [length, d])); // [B, L, d]
  }
  // 3. The shared Transformer blocks (post-LN), each LayerNorm with the pair's own (gamma, beta).
  const keyBias = tf.mul(tf.sub(mask, 1), 1e9); // [B, L]: 0 valid, -1e9 padding
  const rate = args.feedForwardDropoutRate;
  params.blocks.forEach((block, b) => {
    const blockDropout: Dropout = (t, r, site) => dropout(t, r, `${b}/${site}`);
    const attended = selfAttention(x, keyBias, block, args.numHeads, blockDropout, args.attentionDropoutRate); // [B, L, d]
    x = conditionalLayerNorm(
      tf.add(x, blockDropout(attended, rate, 'attention-output')),
      gamma(2 * b),
      beta(2 * b),
      args.layerNormEpsilon,
    ); // [B, L, d]
    const fed = feedForward(x, block); // [B, L, d]
    x = conditionalLayerNorm(
      tf.add(x, blockDropout(fed, rate, 'feed-forward')),
      gamma(2 * b + 1),
      beta(2 * b + 1),
      args.layerNormEpsilon,
    ); // [B, L, d]
  });
  // 4. Target attention pooling.
  return pool(x, mask, inputs.target, args, params.pooling); // [B, d]
}

/**
 * The plain reference of `hypernetEncoderForward`: same arguments, same outputs u[k][m] ([B, d],
 * K x M new tensors the caller disposes), computed one (task, behavior) pair at a time with plain
 * tfjs ops and autodiff. Use it to read TIM's math, to check the fast forward, or as a starting
 * point for a variant; it is several times slower in training. Pure over `params`, `tf.tidy`-wrapped,
 * no reads of tensor values. Dropout (training only) hits the same sites with the same rates as the
 * fast forward, but its masks (seeded by `dropoutSeed`, the pair and the site) are not the fast
 * forward's masks.
 *
 * @throws ShapeError when the inputs do not match `params.args` (see `checkHypernetEncoderInputShapes`).
 */
export function hypernetEncoderReferenceForward(
  params: HypernetEncoderParams,
  inputs: HypernetEncoderInputs,
  options: HypernetEncoderForwardOptions,
): HypernetEncoderOutputs {
  const { args } = params;
  checkHypernetEncoderInputShapes(args, hypernetEncoderInputShapes(inputs), 'HypernetEncoder inputs');
  return tf.tidy(() => {
    const interests: tf.Tensor[][] = [];
    for (let k = 0; k < args.numTasks; k++) {
      const row: tf.Tensor[] = [];
      for (let m = 0; m < args.numBehaviors; m++) {
        const dropout: Dropout = (x, rate, site) => {
          if (!options.training || rate <= 0) return x;
          const base = options.dropoutSeed;
          return tf.dropout(
            x,
            rate,
            undefined,
            base === undefined ? undefined : deriveSeed(base, k, m, site),
          );
        };
        row.push(interestOf(params, inputs, k, m, dropout)); // [B, d]
      }
      interests.push(row);
    }
    return interests;
  });
}
