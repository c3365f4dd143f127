/**
 * Masked multi-head self-attention over sequences folded as [R * N, L, d]: R replicas (tasks) of N
 * sequences that share one key mask [N, L]. Padded keys get -1e9 before the softmax, so a valid
 * query never attends to padding; a query whose keys are all padding gets uniform (finite) weights,
 * and its output is removed later by the pooling mask.
 */
import { denseForward } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { EncoderBlockParams } from './params.js';

/** Additive key bias: 0 on valid positions, -1e9 on padding. mask [N, L] -> [N, L]. */
export function maskBias(mask: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.sub(mask, 1), 1e9)); // [N, L]
}

export interface AttentionOptions {
  readonly numHeads: number;
  /** Dropout on the attention probabilities (training only); 0 turns it off. */
  readonly dropoutRate: number;
  readonly training: boolean;
  readonly seed?: number | undefined;
}

/** [RN, L, d] -> [RN * heads, L, d / heads] */
function splitHeads(x: tf.Tensor, numHeads: number): tf.Tensor {
  const [rows, length, d] = x.shape as [number, number, number];
  if (numHeads === 1) return x;
  const perHead = tf.reshape(x, [rows, length, numHeads, d / numHeads]); // [RN, L, h, dh]
  return tf.reshape(tf.transpose(perHead, [0, 2, 1, 3]), [rows * numHeads, length, d / numHeads]); // [RN*h, L, dh]
}

/** [RN * heads, L, dh] -> [RN, L, heads * dh] */
function mergeHeads(x: tf.Tensor, numHeads: number): tf.Tensor {
  if (numHeads === 1) return x;
  const [rowsTimesHeads, length, headDim] = x.shape as [number, number, number];
  const rows = rowsTimesHeads / numHeads;
  const perHead = tf.reshape(x, [rows, numHeads, length, headDim]); // [RN, h, L, dh]
  return tf.reshape(tf.transpose(perHead, [0, 2, 1, 3]), [rows, length, numHeads * headDim]); // [RN, L, d]
}

/**
 * MHA(x) = concat_h(softmax(Q_h K_h^T / sqrt(dh) + bias) V_h) W_o + b_o, with Q, K, V from one fused
 * projection. x [R*N, L, d], keyBias [N, L] (from `maskBias`) -> [R*N, L, d].
 */
export function maskedSelfAttention(
  x: tf.Tensor,
  keyBias: tf.Tensor,
  block: EncoderBlockParams,
  options: AttentionOptions,
): tf.Tensor {
  return tf.tidy(() => {
    const [rows, length, d] = x.shape as [number, number, number];
    const [sequences] = keyBias.shape as [number];
    const replicas = rows / sequences;
    const heads = options.numHeads;
    const headDim = d / heads;
    // One fused product, split as 2-D rows: on wasm, SplitV (and Concat in its gradient) is fast for
    // rank-2 tensors and pathologically slow for higher ranks.
    const qkv = tf.reshape(denseForward(x, block.queryKeyValue), [rows * length, 3 * d]); // [RN*L, 3d]
    const [query, key, value] = tf.split(qkv, 3, 1).map((part) => tf.reshape(part, [rows, length, d])) as [
      tf.Tensor,
      tf.Tensor,
      tf.Tensor,
    ]; // 3 x [RN, L, d]
    const q = splitHeads(tf.mul(query, 1 / Math.sqrt(headDim)), heads); // [RN*h, L, dh]
    const k = splitHeads(key, heads); // [RN*h, L, dh]
    const v = splitHeads(value, heads); // [RN*h, L, dh]
    const scores = tf.matMul(q, k, false, true); // [RN*h, L, L]
    const biased = tf.add(
      tf.reshape(scores, [replicas, sequences, heads * length, length]), // [R, N, h*L, L]
      tf.reshape(keyBias, [1, sequences, 1, length]), // [1, N, 1, L]
    ); // [R, N, h*L, L]
    let probabilities = tf.softmax(biased); // [R, N, h*L, L]
    if (options.training && options.dropoutRate > 0) {
      probabilities = tf.dropout(probabilities, options.dropoutRate, undefined, options.seed);
    }
    const attended = tf.matMul(tf.reshape(probabilities, [rows * heads, length, length]), v); // [RN*h, L, dh]
    return denseForward(mergeHeads(attended, heads), block.attentionOutput); // [RN, L, d]
  });
}
