/**
 * The rest of a post-LN block after its attention, as one op with a hand-written backward pass:
 *
 *   y1  = gamma1 * std(h) + beta1        conditional LayerNorm 1 (per task and sequence)
 *   f   = y1 + relu(y1 W1 + b1) W2 + b2   the feed-forward sub-layer with its residual
 *   out = gamma2 * std(f) + beta2        conditional LayerNorm 2
 *
 * h [R*n*L, d] (R = 1: shared by every task, the first block's attention output; or R = K) ->
 * out [K*n*L, d]. As one op it saves std(h), std(f), their inverse deviations and the FFN's hidden
 * layer (the separate ops saved h's normalisation twice and the FFN input once more, each a copy on
 * wasm), recomputes y1 (one multiply-add) in the backward pass, and leaves no intermediate gradient
 * on the tape.
 */
import * as tf from '@tensorflow/tfjs-core';
import { affineGradients, affineValue } from './broadcast-ops.js';
import { feedForwardGradients, hiddenActivation } from './feed-forward.js';
import { standardizeGradient, standardizeValue } from './layer-norm.js';

type CustomGradInput = Parameters<typeof tf.customGrad>[0];

/** The weights of the fused sub-layers: both LayerNorms' (gamma, beta) per task and sequence, [K, n, d]. */
export interface NormFeedForwardParams {
  readonly gamma1: tf.Tensor;
  readonly beta1: tf.Tensor;
  readonly innerKernel: tf.Tensor; // [d, ff]
  readonly innerBias: tf.Tensor; // [ff]
  readonly outerKernel: tf.Tensor; // [ff, d]
  readonly outerBias: tf.Tensor; // [d]
  readonly gamma2: tf.Tensor;
  readonly beta2: tf.Tensor;
}

/** The op for sequences of `length` positions and LayerNorm epsilon `epsilon`. */
function normFeedForwardOp(length: number, epsilon: number) {
  const op = (
    h: tf.Tensor2D,
    gamma1: tf.Tensor3D,
    beta1: tf.Tensor3D,
    innerKernel: tf.Tensor2D,
    innerBias: tf.Tensor1D,
    outerKernel: tf.Tensor2D,
    outerBias: tf.Tensor1D,
    gamma2: tf.Tensor3D,
    beta2: tf.Tensor3D,
    save: tf.GradSaveFunc,
  ) => {
    const [tasks, sequences, d] = gamma1.shape;
    const replicas = h.shape[0] / (sequences * length);
    const perTask = (x: tf.Tensor, r: number) => tf.reshape(x, [r, sequences, length, d]) as tf.Tensor4D; // [r, n, L, d]
    const rows = (x: tf.Tensor) => tf.reshape(x, [-1, d]) as tf.Tensor2D; // [r*n*L, d]
    const first = standardizeValue(h, epsilon); // z1 [R*n*L, d], rstd1 [R*n*L, 1]
    const y1 = rows(affineValue(perTask(first.z, replicas), gamma1, beta1)); // [K*n*L, d]
    const hidden = hiddenActivation(y1, innerKernel, innerBias); // [K*n*L, ff]
    const fed = tf.add(y1, tf.fused.matMul({ a: hidden, b: outerKernel, bias: outerBias })) as tf.Tensor2D; // [K*n*L, d]
    const second = standardizeValue(fed, epsilon); // z2 [K*n*L, d], rstd2 [K*n*L, 1]
    const out = rows(affineValue(perTask(second.z, tasks), gamma2, beta2)); // [K*n*L, d]
    save([
      first.z,
      first.rstd,
      second.z,
      second.rstd,
      gamma1,
      beta1,
      innerKernel,
      innerBias,
      outerKernel,
      gamma2,
      hidden,
    ]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [z1, rstd1, z2, rstd2, g1, b1, w1, c1, w2, g2, hiddenSaved] = saved as [
            tf.Tensor2D,
            tf.Tensor2D,
            tf.Tensor2D,
            tf.Tensor2D,
            tf.Tensor3D,
            tf.Tensor3D,
            tf.Tensor2D,
            tf.Tensor1D,
            tf.Tensor2D,
            tf.Tensor3D,
            tf.Tensor2D,
          ];
          const norm2 = affineGradients(perTask(dy, tasks), perTask(z2, tasks), g2); // dz2 [K, n, L, d]
          const dFed = standardizeGradient(rows(norm2.dz), z2, rstd2); // [K*n*L, d]
          const y1Again = rows(affineValue(perTask(z1, replicas), g1, b1)); // [K*n*L, d], recomputed
          const ffn = feedForwardGradients(y1Again, dFed, w1, c1, w2, hiddenSaved); // dx [K*n*L, d] (residual included)
          const norm1 = affineGradients(perTask(ffn.dx, tasks), perTask(z1, replicas), g1); // dz1 [R, n, L, d]
          const dh = standardizeGradient(rows(norm1.dz), z1, rstd1); // [R*n*L, d]
          return [
            dh,
            norm1.dGamma,
            norm1.dBeta,
            ffn.dInnerKernel,
            ffn.dInnerBias,
            ffn.dOuterKernel,
            ffn.dOuterBias,
            norm2.dGamma,
            norm2.dBeta,
          ];
        }),
    };
  };
  return tf.customGrad(op as unknown as CustomGradInput) as unknown as (
    ...inputs: tf.Tensor[]
  ) => tf.Tensor2D;
}

/**
 * LayerNorm 1, the FFN with its residual, LayerNorm 2 (see the file comment). h [R*n, L, d] with R
 * = 1 or K; the (gamma, beta) are [K, n, d] (K = 1 unconditioned) -> [K*n, L, d].
 */
export function normFeedForward(h: tf.Tensor, params: NormFeedForwardParams, epsilon: number): tf.Tensor {
  return tf.tidy(() => {
    const [rows, length, d] = h.shape as [number, number, number];
    const out = normFeedForwardOp(length, epsilon)(
      tf.reshape(h, [rows * length, d]), // [R*n*L, d]
      params.gamma1,
      params.beta1,
      params.innerKernel,
      params.innerBias,
      params.outerKernel,
      params.outerBias,
      params.gamma2,
      params.beta2,
    ); // [K*n*L, d]
    return tf.reshape(out, [-1, length, d]); // [K*n, L, d]
  });
}
