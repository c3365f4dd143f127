/**
 * The attention sub-layer with its residual, x + MHA(x), for one bucket as one op with a
 * hand-written backward pass (the same math as `maskedSelfAttention`, which autodiff differentiates
 * and which the dropout paths use):
 *
 *   per head h:  Q, K, V = x W_{q,k,v}[h] + b       [RN*L, dh] (Q scaled by 1/sqrt(dh))
 *                P = softmax(Q K^T + keyBias)       [L, RN, L] (query, sequence, key)
 *                A = P V                            [RN, L, dh]
 *   y = x + sum_h A W_o[h] + b_o                    [RN*L, d]
 *
 * The per-sequence products (Q K^T, P V and their gradients) are depthwise convolutions
 * (attention-products.ts). The per-head weight blocks are cut from the block's fused q|k|v and
 * output kernels once per forward call (`attentionWeights`), not once per bucket.
 *
 * It saves x and every head's Q, K, V, P and A once. Autodiff of the composite kept x once per
 * projection, P twice and every intermediate gradient ([RN, L, L] scores among them) alive until
 * the end of the backward pass.
 */
import { denseInputGradient } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import { sequenceScores, sumOverKeys, sumOverQueries, toKeyMajor } from './attention-products.js';
import type { EncoderBlockParams } from './params.js';

type CustomGradInput = Parameters<typeof tf.customGrad>[0];

/**
 * One block's attention weights per head: for head h, tensors 4h .. 4h+3 of `blocks` are its
 * query-key-value kernels in order ([d, dh] each, the query one scaled by 1/sqrt(dh)) and its
 * output kernel rows [dh, d]; `biases` the matching q, k, v biases ([dh], 3 per head); `outputBias` [d].
 */
export interface AttentionWeights {
  readonly heads: number;
  readonly blocks: readonly tf.Tensor[];
  readonly biases: readonly tf.Tensor[];
  readonly outputBias: tf.Tensor;
}

/** Cuts a block's attention weights into per-head blocks (differentiable: slices and a scale). */
export function attentionWeights(block: EncoderBlockParams, heads: number): AttentionWeights {
  const kernel = block.queryKeyValue.kernel; // [d, 3d]
  const d = kernel.shape[0]!;
  const headDim = d / heads;
  const scale = 1 / Math.sqrt(headDim);
  const bias = block.queryKeyValue.bias ?? tf.zeros([3 * d]); // [3d]
  const blocks: tf.Tensor[] = [];
  const biases: tf.Tensor[] = [];
  for (let h = 0; h < heads; h++) {
    for (let which = 0; which < 3; which++) {
      const from = which * d + h * headDim;
      const k = tf.slice(kernel, [0, from], [d, headDim]); // [d, dh]
      const b = tf.slice(bias, [from], [headDim]); // [dh]
      blocks.push(which === 0 ? tf.mul(k, scale) : k);
      biases.push(which === 0 ? tf.mul(b, scale) : b);
    }
    blocks.push(tf.slice(block.attentionOutput.kernel, [h * headDim, 0], [headDim, d])); // [dh, d]
  }
  return { heads, blocks, biases, outputBias: block.attentionOutput.bias ?? tf.zeros([d]) };
}

/** x [N, d] @ kernel + bias -> [N, dh] (one fused product), reshaped to [RN, L, dh]. */
function project(x: tf.Tensor2D, kernel: tf.Tensor, bias: tf.Tensor, sequences: number, length: number) {
  const y = tf.fused.matMul({ a: x, b: kernel as tf.Tensor2D, bias }); // [RN*L, dh]
  return tf.reshape(y, [sequences, length, kernel.shape[1]!]) as tf.Tensor3D; // [RN, L, dh]
}

/** The op for sequences of `length` positions and `heads` heads. */
function attentionSublayerOp(length: number, heads: number) {
  const op = (...args: unknown[]) => {
    const [x, keyBias] = args as [tf.Tensor2D, tf.Tensor2D];
    const blocks = args.slice(2, 2 + 4 * heads) as tf.Tensor2D[]; // per head: q, k, v kernels, output rows
    const biases = args.slice(2 + 4 * heads, 2 + 7 * heads) as tf.Tensor1D[]; // per head: q, k, v biases
    const outputBias = args[2 + 7 * heads] as tf.Tensor1D;
    const save = args[3 + 7 * heads] as tf.GradSaveFunc;
    const [rows, d] = x.shape;
    const headDim = d / heads;
    const sequences = rows / length; // RN
    const replicas = sequences / keyBias.shape[0];
    const tiled = replicas === 1 ? keyBias : tf.tile(keyBias, [replicas, 1]); // [RN, L] (s = r * N + n)
    const bias = tf.reshape(tiled, [1, sequences, length]); // [1, RN, L]
    const saves: tf.Tensor[] = []; // per head: Q, K, V, P, P key-major, A
    const outputs: tf.Tensor[] = [x]; // the residual, then one term per head
    for (let h = 0; h < heads; h++) {
      const [q, k, v] = [0, 1, 2].map((which) =>
        project(x, blocks[4 * h + which]!, biases[3 * h + which]!, sequences, length),
      ) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D]; // [RN, L, dh] each
      const p = tf.softmax(tf.add(sequenceScores(q, k), bias)); // [L, RN, L]: query i, sequence s, key j
      const pKeyMajor = toKeyMajor(p); // [L, L, RN]
      const a = tf.reshape(sumOverKeys(pKeyMajor, v), [rows, headDim]) as tf.Tensor2D; // [RN*L, dh]
      outputs.push(tf.matMul(a, blocks[4 * h + 3]!)); // [RN*L, d]
      saves.push(q, k, v, p, pKeyMajor, a);
    }
    save([x, ...blocks, ...saves]);
    return {
      value: tf.add(tf.addN(outputs), outputBias) as tf.Tensor2D, // [RN*L, d]
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const savedX = saved[0] as tf.Tensor2D;
          const savedBlocks = saved.slice(1, 1 + 4 * heads) as tf.Tensor2D[];
          const xT = tf.transpose(savedX); // [d, RN*L], shared by the six projection gradients
          const ones = tf.fill([1, rows], 1) as tf.Tensor2D; // [1, RN*L]
          const dyT = tf.transpose(dy); // [d, RN*L]
          const inputGradients: tf.Tensor[] = [dy]; // the residual
          const dBlocks: tf.Tensor[] = [];
          const dBiases: tf.Tensor[] = [];
          for (let h = 0; h < heads; h++) {
            const [q, k, v, p, pKeyMajor, a] = saved.slice(1 + 4 * heads + 6 * h, 7 + 4 * heads + 6 * h) as [
              tf.Tensor3D,
              tf.Tensor3D,
              tf.Tensor3D,
              tf.Tensor3D,
              tf.Tensor3D,
              tf.Tensor2D,
            ]; // [RN, L, dh] x 3, [L, RN, L] x 2, [RN*L, dh]
            const outputRows = savedBlocks[4 * h + 3]!; // [dh, d]
            const dOutputRows = tf.transpose(tf.matMul(dyT, a)); // ([d, RN*L] @ [RN*L, dh])^T = [dh, d]
            const dA = tf.reshape(denseInputGradient(dy, outputRows), [sequences, length, headDim]); // [RN, L, dh]
            const dP = sequenceScores(dA, v); // [L, RN, L]: dP[i, s, j] = dA[s, i] . V[s, j]
            const dS = tf.mul(p, tf.sub(dP, tf.sum(tf.mul(dP, p), -1, true))); // [L, RN, L] (softmax backward)
            const dSKeyMajor = toKeyMajor(dS); // [L, L, RN]
            const projections = [
              sumOverKeys(dSKeyMajor, k), // dQ [RN, L, dh], w.r.t. the scaled Q
              sumOverQueries(dSKeyMajor, q), // dK [RN, L, dh]
              sumOverQueries(pKeyMajor, dA), // dV [RN, L, dh]
            ];
            projections.forEach((grad, which) => {
              // g [RN*L, dh] is narrower than x, so it is the right-hand operand (packed once for
              // both products; see core's dense-ops.ts).
              const g = tf.reshape(grad, [rows, headDim]) as tf.Tensor2D;
              dBlocks.push(tf.matMul(xT, g)); // [d, dh]
              dBiases.push(tf.reshape(tf.matMul(ones, g), [headDim])); // [dh]
              inputGradients.push(denseInputGradient(g, savedBlocks[4 * h + which]!)); // [RN*L, d]
            });
            dBlocks.push(dOutputRows);
          }
          return [
            tf.addN(inputGradients), // dx [RN*L, d]
            tf.zerosLike(keyBias), // the key bias is a constant
            ...dBlocks,
            ...dBiases,
            tf.sum(dyT, 1), // d outputBias [d]
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
 * -1e9 padding), the block's per-head weights (`attentionWeights`) -> [R*N, L, d]. No dropout (the
 * composite `maskedSelfAttention` has it).
 */
export function attentionSublayer(x: tf.Tensor, keyBias: tf.Tensor, weights: AttentionWeights): tf.Tensor {
  return tf.tidy(() => {
    const [rows, length, d] = x.shape as [number, number, number];
    const out = attentionSublayerOp(length, weights.heads)(
      tf.reshape(x, [rows * length, d]), // [RN*L, d]
      keyBias,
      ...weights.blocks,
      ...weights.biases,
      weights.outputBias,
    ); // [RN*L, d]
    return tf.reshape(out, [rows, length, d]); // [RN, L, d]
  });
}
