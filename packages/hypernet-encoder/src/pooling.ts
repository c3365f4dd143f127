/**
 * Pooling of encoded sequences into one interest vector per (replica, sequence):
 * - `target-attention-din`: DIN-style MLP scorer over [h, t, h - t, h * t], masked softmax over L;
 * - `target-attention-dot`: scores h . t / sqrt(d), masked softmax over L;
 * - `mean`: masked mean.
 * An all-padding sequence yields exactly zero (and zero gradients), never NaN.
 */
import { type DenseParams, mlpForward } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { PoolingKind } from './args.js';
import { mulPerSample } from './broadcast-ops.js';
import { dinHidden } from './din-hidden.js';

export interface PoolingInputs {
  /** Encoded sequences, [R, G, B, L, d] (R replicas of G behaviors). */
  readonly encoded: tf.Tensor;
  /** 1 = valid, 0 = padding; [G, B, L]. */
  readonly mask: tf.Tensor;
  /** Target item, [B, d]. */
  readonly target: tf.Tensor;
}

/** DIN scores: the first layer as one op (see din-hidden.ts), then the rest of the scorer MLP. */
function dinScores(encoded: tf.Tensor, target: tf.Tensor, layers: readonly DenseParams[]): tf.Tensor {
  const [replicas, groups, batch, length, d] = encoded.shape as [number, number, number, number, number];
  const first = layers[0]!;
  const hidden = dinHidden(
    tf.reshape(encoded, [replicas * groups, batch, length, d]) as tf.Tensor4D, // [R*G, B, L, d]
    target as tf.Tensor2D,
    first.kernel as tf.Tensor2D,
    first.bias as tf.Tensor1D,
  ); // [R*G, B, L, u]
  const scores = mlpForward(hidden, layers.slice(1), { activation: 'relu', outputActivation: 'linear' }); // [R*G, B, L, 1]
  return tf.reshape(scores, [replicas, groups, batch, length]); // [R, G, B, L]
}

/** Pooled interests [R, G, B, d]. Tidy-wrapped. */
export function poolSequences(
  kind: PoolingKind,
  inputs: PoolingInputs,
  scorer: readonly DenseParams[],
): tf.Tensor {
  return tf.tidy(() => {
    const { encoded, mask, target } = inputs;
    const [, groups, batch, length, d] = encoded.shape as [number, number, number, number, number];
    const maskFour = tf.reshape(mask, [1, groups, batch, length]); // [1, G, B, L]
    if (kind === 'mean') {
      const summed = tf.sum(tf.mul(encoded, tf.expandDims(maskFour, 4)), 3); // [R, G, B, d]
      const counts = tf.maximum(tf.sum(maskFour, 3, true), 1); // [1, G, B, 1]
      return tf.div(summed, counts); // [R, G, B, d]
    }
    const scores =
      kind === 'target-attention-dot'
        ? tf.mul(
            tf.reshape(
              tf.sum(
                mulPerSample(
                  tf.reshape(encoded, [-1, batch, length, d]) as tf.Tensor4D,
                  target as tf.Tensor2D,
                ),
                3,
              ),
              [-1, groups, batch, length],
            ), // [R, G, B, L]
            1 / Math.sqrt(d),
          )
        : dinScores(encoded, target, scorer); // [R, G, B, L]
    const weights = tf.softmax(tf.add(scores, tf.mul(tf.sub(maskFour, 1), 1e9))); // [R, G, B, L]
    const pooled = tf.sum(tf.mul(encoded, tf.expandDims(weights, 4)), 3); // [R, G, B, d]
    const anyValid = tf.cast(tf.greater(tf.sum(maskFour, 3, true), 0), 'float32'); // [1, G, B, 1]
    return tf.mul(pooled, anyValid); // [R, G, B, d]
  });
}
