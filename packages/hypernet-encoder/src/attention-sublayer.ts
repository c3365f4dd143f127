/**
 * The attention sub-layer with its residual, x + MHA(x), for one bucket as one op with a
 * hand-written backward pass (the same math as `maskedSelfAttention`, which autodiff differentiates
 * and which the dropout paths use):
 *
 *   per head h:  Q, K, V = x W_{q,k,v}[h] + b       [RN*L, dh] (Q scaled by 1/sqrt(dh))
 *                P = softmax(Q K^T + keyBias)       [L, RN, L] (query, sequence, key)
 *                A = P V                            [RN, L, dh]
 *
 * The per-sequence products (Q K^T, P V and their gradients) are depthwise convolutions
 * (attention-products.ts).
 *   y = x + sum_h A W_o[h] + b_o                    [RN*L, d]
 *
 * It saves x and every head's Q, K, V, P and A once. Autodiff of the composite kept x once per
 * projection, P twice and every intermediate gradient ([RN, L, L] scores among them) alive until
 * the end of the backward pass.
 */
import type { DenseParams } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import { sequenceScores, sumOverKeys, sumOverQueries, toKeyMajor } from './attention-products.js';
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
    const bias = tf.reshape(replicas === 1 ? keyBias : tf.tile(keyBias, [replicas, 1]), [
      1,
      sequences,
      length,
    ]); // [1, RN, L] (s = r * N + n)
    const weights = (which: number, h: number) =>
      projectionWeights(qkvKernel, qkvBias, which, h, headDim, which === 0 ? scale : 1);
    const probabilities: tf.Tensor[] = []; // per head: P [L, RN, L] (i, s, j) and its key-major [L, L, RN]
    const attended: tf.Tensor2D[] = [];
    const projections: tf.Tensor3D[] = []; // per head: Q (scaled), K, V
    const outputs: tf.Tensor[] = [x]; // the residual, then one term per head
    for (let h = 0; h < heads; h++) {
      const [q, k, v] = [0, 1, 2].map((which) => project(x, weights(which, h), sequences, length)) as [
        tf.Tensor3D,
        tf.Tensor3D,
        tf.Tensor3D,
      ]; // [RN, L, dh] each
      projections.push(q, k, v);
      const p = tf.softmax(tf.add(sequenceScores(q, k), bias)); // [L, RN, L]: query i, sequence s, key j
      const pKeyMajor = toKeyMajor(p); // [L, L, RN]
      const a = tf.reshape(sumOverKeys(pKeyMajor, v), [rows, headDim]) as tf.Tensor2D; // [RN*L, dh]
      const headKernel = tf.slice(outputKernel, [h * headDim, 0], [headDim, d]); // [dh, d]
      outputs.push(tf.matMul(a, headKernel)); // [RN*L, d]
      probabilities.push(p, pKeyMajor);
      attended.push(a);
    }
    save([x, qkvKernel, qkvBias, outputKernel, ...probabilities, ...attended, ...projections]);
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
          const savedP = saved.slice(4, 4 + 2 * heads) as tf.Tensor3D[]; // per head: P, P key-major
          const savedA = saved.slice(4 + 2 * heads, 4 + 3 * heads) as tf.Tensor2D[];
          const savedQkv = saved.slice(4 + 3 * heads) as tf.Tensor3D[]; // per head: Q, K, V
          const again = (which: number, h: number) =>
            projectionWeights(kernel, biasVector, which, h, headDim, which === 0 ? scale : 1);
          const xT = tf.transpose(savedX); // [d, RN*L]
          const dyT = tf.transpose(dy); // [d, RN*L]
          const ones = tf.fill([1, rows], 1) as tf.Tensor2D; // [1, RN*L]
          const inputGradients: tf.Tensor[] = [dy]; // the residual
          const kernelBlocks: tf.Tensor[][] = [[], [], []]; // per projection, per head: [d, dh]
          const biasBlocks: tf.Tensor[][] = [[], [], []]; // per projection, per head: [dh]
          const outputBlocks: tf.Tensor[] = []; // per head: [dh, d]
          for (let h = 0; h < heads; h++) {
            const w = [0, 1, 2].map((which) => again(which, h));
            const [q, k, v] = savedQkv.slice(3 * h, 3 * h + 3); // [RN, L, dh] each
            const [p, pKeyMajor] = savedP.slice(2 * h, 2 * h + 2) as [tf.Tensor3D, tf.Tensor3D]; // [L, RN, L], [L, L, RN]
            const headKernel = tf.slice(outKernel, [h * headDim, 0], [headDim, d]); // [dh, d]
            outputBlocks.push(tf.transpose(tf.matMul(dyT, savedA[h]!))); // ([d, RN*L] @ [RN*L, dh])^T = [dh, d]
            const dA = tf.reshape(tf.matMul(dy, tf.transpose(headKernel)), [sequences, length, headDim]); // [RN, L, dh]
            const dP = sequenceScores(dA, v!); // [L, RN, L]: dP[i, s, j] = dA[s, i] . V[s, j]
            const dS = tf.mul(p, tf.sub(dP, tf.sum(tf.mul(dP, p), -1, true))); // [L, RN, L] (softmax backward)
            const dSKeyMajor = toKeyMajor(dS); // [L, L, RN]
            const dQ = sumOverKeys(dSKeyMajor, k!); // [RN, L, dh], w.r.t. the scaled Q
            const dK = sumOverQueries(dSKeyMajor, q!); // [RN, L, dh]
            const dV = sumOverQueries(pKeyMajor, dA); // [RN, L, dh]
            [dQ, dK, dV].forEach((grad, which) => {
              // [RN*L, dh]: the narrower operand, so the right-hand one (see core's dense-ops.ts).
              const g = tf.reshape(grad, [rows, headDim]) as tf.Tensor2D;
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
            tf.sum(dyT, 1), // [d]
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
