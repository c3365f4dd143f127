/**
 * The attention sub-layer with its residual, x + MHA(x), for one bucket as one op with a
 * hand-written backward pass (the same math as `maskedSelfAttention`, which autodiff differentiates
 * and which the dropout paths use):
 *
 *   per head h:  Q, K, V = x W_{q,k,v}[h] + b       [RN*L, dh] (Q scaled by 1/sqrt(dh))
 *                P = softmax(Q K^T + keyBias)       [RN, L, L]
 *                A = P V                            [RN, L, dh]
 *   y = x + sum_h A W_o[h] + b_o                    [RN*L, d]
 *
 * It saves x, every head's P and A; Q, K and V are recomputed in the backward pass (six small
 * products). Autodiff of the composite kept x once per projection, P twice, Q, K, V and every
 * intermediate gradient ([RN, L, L] scores among them) alive until the end of the backward pass.
 */
import type { DenseParams } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { EncoderBlockParams } from './params.js';

type CustomGradInput = Parameters<typeof tf.customGrad>[0];

interface HeadWeights {
  readonly kernel: tf.Tensor2D; // [d, dh]
  readonly bias: tf.Tensor1D; // [dh]
}

/** Columns of the fused q|k|v kernel for projection `which` (0 q, 1 k, 2 v) of head h, times scale. */
function projectionWeights(
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  which: number,
  head: number,
  headDim: number,
  scale: number,
): HeadWeights {
  const d = kernel.shape[0];
  const from = which * d + head * headDim;
  const k = tf.slice(kernel, [0, from], [d, headDim]); // [d, dh]
  const b = tf.slice(bias, [from], [headDim]); // [dh]
  return scale === 1
    ? { kernel: k as tf.Tensor2D, bias: b as tf.Tensor1D }
    : { kernel: tf.mul(k, scale) as tf.Tensor2D, bias: tf.mul(b, scale) as tf.Tensor1D };
}

/** x [N, d] @ kernel + bias -> [N, dh] (one fused product), reshaped to [RN, L, dh]. */
function project(x: tf.Tensor2D, w: HeadWeights, sequences: number, length: number): tf.Tensor3D {
  const y = tf.fused.matMul({ a: x, b: w.kernel, bias: w.bias }); // [RN*L, dh]
  return tf.reshape(y, [sequences, length, w.kernel.shape[1]]) as tf.Tensor3D; // [RN, L, dh]
}

/** The op for sequences of `length` positions and `heads` heads. */
function attentionSublayerOp(length: number, heads: number) {
  const op = (
    x: tf.Tensor2D,
    keyBias: tf.Tensor2D,
    qkvKernel: tf.Tensor2D,
    qkvBias: tf.Tensor1D,
    outputKernel: tf.Tensor2D,
    outputBias: tf.Tensor1D,
    save: tf.GradSaveFunc,
  ) => {
    const [rows, d] = x.shape;
    const headDim = d / heads;
    const scale = 1 / Math.sqrt(headDim);
    const sequences = rows / length; // RN
    const [keyed] = keyBias.shape; // N
    const replicas = sequences / keyed;
    const bias = tf.reshape(keyBias, [1, keyed, 1, length]); // [1, N, 1, L]
    const weights = (which: number, h: number) =>
      projectionWeights(qkvKernel, qkvBias, which, h, headDim, which === 0 ? scale : 1);
    const probabilities: tf.Tensor[] = [];
    const attended: tf.Tensor2D[] = [];
    const outputs: tf.Tensor[] = [x]; // the residual, then one term per head
    for (let h = 0; h < heads; h++) {
      const [q, k, v] = [0, 1, 2].map((which) => project(x, weights(which, h), sequences, length)); // [RN, L, dh]
      const scores = tf.reshape(tf.matMul(q!, k!, false, true), [replicas, keyed, length, length]); // [R, N, L, L]
      const p = tf.reshape(tf.softmax(tf.add(scores, bias)), [sequences, length, length]); // [RN, L, L]
      const a = tf.reshape(tf.matMul(p, v!), [rows, headDim]) as tf.Tensor2D; // [RN*L, dh]
      const headKernel = tf.slice(outputKernel, [h * headDim, 0], [headDim, d]); // [dh, d]
      outputs.push(tf.matMul(a, headKernel)); // [RN*L, d]
      probabilities.push(p);
      attended.push(a);
    }
    save([x, qkvKernel, qkvBias, outputKernel, ...probabilities, ...attended]);
    return {
      value: tf.add(tf.addN(outputs), outputBias) as tf.Tensor2D, // [RN*L, d]
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [savedX, kernel, biasVector, outKernel] = saved as [
            tf.Tensor2D,
            tf.Tensor2D,
            tf.Tensor1D,
            tf.Tensor2D,
          ];
          const savedP = saved.slice(4, 4 + heads) as tf.Tensor3D[];
          const savedA = saved.slice(4 + heads) as tf.Tensor2D[];
          const again = (which: number, h: number) =>
            projectionWeights(kernel, biasVector, which, h, headDim, which === 0 ? scale : 1);
          const xT = tf.transpose(savedX); // [d, RN*L]
          const ones = tf.ones([1, rows]) as tf.Tensor2D; // [1, RN*L]
          const inputGradients: tf.Tensor[] = [dy]; // the residual
          const kernelBlocks: tf.Tensor[][] = [[], [], []]; // per projection, per head: [d, dh]
          const biasBlocks: tf.Tensor[][] = [[], [], []]; // per projection, per head: [dh]
          const outputBlocks: tf.Tensor[] = []; // per head: [dh, d]
          for (let h = 0; h < heads; h++) {
            const w = [0, 1, 2].map((which) => again(which, h));
            const [q, k, v] = w.map((wi) => project(savedX, wi, sequences, length)); // [RN, L, dh]
            const p = savedP[h]!; // [RN, L, L]
            const headKernel = tf.slice(outKernel, [h * headDim, 0], [headDim, d]); // [dh, d]
            outputBlocks.push(tf.matMul(tf.transpose(savedA[h]!), dy)); // [dh, RN*L] @ [RN*L, d] = [dh, d]
            const dA = tf.reshape(tf.matMul(dy, tf.transpose(headKernel)), [sequences, length, headDim]); // [RN, L, dh]
            const dP = tf.matMul(dA, v!, false, true); // [RN, L, L]
            const dV = tf.matMul(p, dA, true, false); // [RN, L, dh]
            const dS = tf.mul(p, tf.sub(dP, tf.sum(tf.mul(dP, p), -1, true))); // [RN, L, L] (softmax backward)
            const dQ = tf.matMul(dS, k!); // [RN, L, dh], w.r.t. the scaled Q
            const dK = tf.matMul(dS, q!, true, false); // [RN, L, dh]
            [dQ, dK, dV].forEach((grad, which) => {
              const g = tf.reshape(grad, [rows, headDim]) as tf.Tensor2D; // [RN*L, dh] (fresh: a right operand in one shape)
              const factor = which === 0 ? scale : 1; // d/dW of x (W * scale) is scale * x^T dQ
              kernelBlocks[which]!.push(tf.mul(tf.matMul(xT, g), factor)); // [d, dh]
              biasBlocks[which]!.push(tf.mul(tf.reshape(tf.matMul(ones, g), [headDim]), factor)); // [dh]
              inputGradients.push(tf.matMul(g, tf.transpose(w[which]!.kernel))); // [RN*L, d]
            });
          }
          return [
            tf.addN(inputGradients), // dx [RN*L, d]
            tf.zerosLike(keyBias), // the key bias is a constant
            tf.concat(kernelBlocks.flat(), 1), // [d, 3d], columns q | k | v, heads in order
            tf.concat(biasBlocks.flat(), 0), // [3d]
            tf.concat(outputBlocks, 0), // [d, d]
            tf.reshape(tf.matMul(ones, dy), [d]), // [d]
          ];
        }),
    };
  };
  return tf.customGrad(op as unknown as CustomGradInput) as unknown as (
    ...inputs: tf.Tensor[]
  ) => tf.Tensor2D;
}

/**
 * x + MHA(x) over one bucket: x [R*N, L, d] (R replicas of N sequences), keyBias [N, L] (0 valid,
 * -1e9 padding) -> [R*N, L, d]. No dropout (the composite `maskedSelfAttention` has it).
 */
export function attentionSublayer(
  x: tf.Tensor,
  keyBias: tf.Tensor,
  block: EncoderBlockParams,
  heads: number,
): tf.Tensor {
  return tf.tidy(() => {
    const [rows, length, d] = x.shape as [number, number, number];
    const dense = (layer: DenseParams) => [layer.kernel, layer.bias ?? tf.zeros([layer.kernel.shape[1]!])];
    const out = attentionSublayerOp(length, heads)(
      tf.reshape(x, [rows * length, d]), // [RN*L, d]
      keyBias,
      ...dense(block.queryKeyValue),
      ...dense(block.attentionOutput),
    ); // [RN*L, d]
    return tf.reshape(out, [rows, length, d]); // [RN, L, d]
  });
}
