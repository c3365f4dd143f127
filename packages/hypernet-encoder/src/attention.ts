/**
 * Masked multi-head self-attention over one bucket of sequences folded as [R * N, L, d]: R replicas
 * (tasks) of N sequences that share one key mask. Padded keys get -1e9 before the softmax, so a
 * valid query never attends to padding; a query whose keys are all padding gets uniform (finite)
 * weights, and its output is removed later by the pooling mask.
 *
 * Each head's query, key and value come from their own product with a column block of the fused
 * [d, 3d] kernel, already [R*N*L, d_h], and the heads' outputs go through their own row block of the
 * output kernel and are summed: no split of a fused output (SplitV, slow on wasm) and no head
 * transposes, forward or backward (bench/kernels.bench.mjs measures both forms side by side).
 */
import { type DenseParams, linear, matMul2d } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { EncoderBlockParams } from './params.js';

export interface AttentionOptions {
  readonly numHeads: number;
  /** Dropout on the attention probabilities (training only); 0 turns it off. */
  readonly dropoutRate: number;
  readonly training: boolean;
  readonly seed?: number | undefined;
}

/** Columns [from, from + width) of a dense layer ([in, out] kernel, [out] bias), times `scale`. */
function columnBlock(layer: DenseParams, from: number, width: number, scale: number): DenseParams {
  const inputDim = layer.kernel.shape[0]!;
  const pick = (t: tf.Tensor) => (scale === 1 ? t : tf.mul(t, scale));
  return {
    kernel: pick(tf.slice(layer.kernel, [0, from], [inputDim, width])), // [in, width]
    bias: layer.bias ? pick(tf.slice(layer.bias, [from], [width])) : undefined, // [width]
  };
}

/** rows [N, in] @ kernel + bias -> [N, out] (core's plain-gradient product and ones-row bias gradient). */
function project(rows: tf.Tensor2D, layer: DenseParams): tf.Tensor2D {
  return layer.bias
    ? linear(rows, layer.kernel as tf.Tensor2D, layer.bias as tf.Tensor1D) // [N, out]
    : matMul2d(rows, layer.kernel as tf.Tensor2D); // [N, out]
}

/**
 * MHA(x) = sum_h softmax(Q_h K_h^T / sqrt(dh) + bias) V_h W_o[h] + b_o. x [R*N, L, d], keyBias
 * [N, L] (0 on valid keys, -1e9 on padding) -> [R*N, L, d].
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
    const flat = tf.reshape(x, [rows * length, d]) as tf.Tensor2D; // [RN*L, d]
    const bias = tf.reshape(keyBias, [1, sequences, 1, length]); // [1, N, 1, L]
    const outputKernel = block.attentionOutput.kernel;
    const perHead: tf.Tensor[] = [];
    for (let h = 0; h < heads; h++) {
      const part = (which: number, scale = 1) =>
        tf.reshape(project(flat, columnBlock(block.queryKeyValue, which * d + h * headDim, headDim, scale)), [
          rows,
          length,
          headDim,
        ]); // [RN, L, dh]
      const query = part(0, 1 / Math.sqrt(headDim)); // [RN, L, dh], scaled
      const key = part(1); // [RN, L, dh]
      const value = part(2); // [RN, L, dh]
      const scores = tf.reshape(tf.matMul(query, key, false, true), [replicas, sequences, length, length]); // [R, N, L, L]
      let probabilities = tf.softmax(tf.add(scores, bias)); // [R, N, L, L]
      if (options.training && options.dropoutRate > 0) {
        const seed = options.seed === undefined ? undefined : options.seed + h;
        probabilities = tf.dropout(probabilities, options.dropoutRate, undefined, seed);
      }
      const attended = tf.matMul(tf.reshape(probabilities, [rows, length, length]), value); // [RN, L, dh]
      const headKernel = tf.slice(outputKernel, [h * headDim, 0], [headDim, d]); // [dh, d]
      perHead.push(
        matMul2d(tf.reshape(attended, [rows * length, headDim]) as tf.Tensor2D, headKernel as tf.Tensor2D),
      ); // [RN*L, d]
    }
    const summed = perHead.length === 1 ? perHead[0]! : tf.addN(perHead); // [RN*L, d]
    const output = block.attentionOutput.bias ? tf.add(summed, block.attentionOutput.bias) : summed; // [RN*L, d]
    return tf.reshape(output, [rows, length, d]); // [RN, L, d]
  });
}
