/**
 * The first (relu) layer of the DIN scorer as one op with a hand-written backward pass.
 *
 * With the first kernel split by rows into (W_h, W_t, W_d, W_p) for the features
 * [h, t, h - t, h * t], the layer is
 *   relu(h (W_h + W_d) + (h * t) W_p + t (W_t - W_d) + b),
 * where the t term is computed once per sample. As one op it needs no [rows, 2d] concatenation
 * (and no SplitV in the backward pass, slow on wasm), saves only h, t and its output, and reduces
 * the per-sample terms over leading axes (see broadcast-ops.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { addPerSample, mulPerSample, sumLeading, sumMiddle } from './broadcast-ops.js';

type CustomGradInput = Parameters<typeof tf.customGrad>[0];

function kernelRows(kernel: tf.Tensor2D, d: number) {
  const units = kernel.shape[1];
  const rows = (index: number) => tf.slice(kernel, [index * d, 0], [d, units]); // [d, u]
  const [history, target, difference, product] = [0, 1, 2, 3].map(rows) as [
    tf.Tensor2D,
    tf.Tensor2D,
    tf.Tensor2D,
    tf.Tensor2D,
  ];
  return { history, target, difference, product };
}

/**
 * relu(h (W_h + W_d) + (h * t) W_p + t (W_t - W_d) + b): encoded h [R, B, L, d], target t [B, d],
 * kernel [4d, u] (rows for h, t, h - t, h * t), bias [u] -> [R, B, L, u].
 */
export function dinHiddenValue(
  encoded: tf.Tensor4D,
  target: tf.Tensor2D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D,
): tf.Tensor4D {
  const [replicas, batch, length, d] = encoded.shape;
  const units = kernel.shape[1];
  const w = kernelRows(kernel, d);
  const rows = tf.reshape(encoded, [-1, d]) as tf.Tensor2D; // [R*B*L, d]
  const products = tf.reshape(mulPerSample(encoded, target), [-1, d]) as tf.Tensor2D; // [R*B*L, d]
  const sequenceTerm = tf.add(
    tf.matMul(rows, tf.add(w.history, w.difference)),
    tf.matMul(products, w.product),
  ); // [R*B*L, u]
  const targetTerm = tf.add(tf.matMul(target, tf.sub(w.target, w.difference)), bias) as tf.Tensor2D; // [B, u]
  return tf.relu(
    addPerSample(tf.reshape(sequenceTerm, [replicas, batch, length, units]) as tf.Tensor4D, targetTerm),
  ) as tf.Tensor4D; // [R, B, L, u]
}

/**
 * Gradients of `dinHiddenValue` given dPre [R*B*L, u], the gradient of its pre-activation (the
 * incoming gradient times step(hidden)).
 */
export function dinHiddenGradients(
  dPre: tf.Tensor2D,
  encoded: tf.Tensor4D,
  target: tf.Tensor2D,
  kernel: tf.Tensor2D,
) {
  const [replicas, batch, length, d] = encoded.shape;
  const units = kernel.shape[1];
  const ws = kernelRows(kernel, d);
  const encodedRows = tf.reshape(encoded, [-1, d]) as tf.Tensor2D; // [R*B*L, d]
  const productRows = tf.reshape(mulPerSample(encoded, target), [-1, d]) as tf.Tensor2D; // [R*B*L, d]
  // Weight gradients as plain products with the narrower operand on the right (see core's
  // dense-ops.ts): dPre transposed once, the d-wide rows packed.
  const dPreT = tf.transpose(dPre); // [u, R*B*L]
  const dHistoryPlusDifference = tf.transpose(tf.matMul(dPreT, encodedRows)); // ([u, N] @ [N, d])^T = [d, u]
  const dProduct = tf.transpose(tf.matMul(dPreT, productRows)); // [d, u]
  const perSample = sumMiddle(tf.reshape(dPre, [replicas * batch, length, units]) as tf.Tensor3D); // [R*B, u]
  const dTargetTerm = sumLeading(tf.reshape(perSample, [replicas, batch, units])) as tf.Tensor2D; // [B, u]
  const dTargetMinusDifference = tf.matMul(tf.transpose(target), dTargetTerm); // [d, u]
  const dBias = tf.sum(dTargetTerm, 0); // [u]
  const dKernel = tf.concat(
    [
      dHistoryPlusDifference,
      dTargetMinusDifference,
      tf.sub(dHistoryPlusDifference, dTargetMinusDifference),
      dProduct,
    ],
    0,
  ); // [4d, u]
  // Input gradients.
  const dProducts = tf.matMul(dPre, tf.transpose(ws.product)); // [R*B*L, d]
  const dFromHistory = tf.matMul(dPre, tf.transpose(tf.add(ws.history, ws.difference))); // [R*B*L, d]
  const dProducts4 = tf.reshape(dProducts, [replicas, batch, length, d]); // [R, B, L, d]
  const dEncoded = tf.add(
    tf.reshape(dFromHistory, [replicas, batch, length, d]),
    tf.mul(dProducts4, tf.reshape(target, [1, batch, 1, d])),
  ); // [R, B, L, d]
  const fromProducts = sumMiddle(
    tf.reshape(sumLeading(tf.mul(dProducts4, encoded)), [batch, length, d]) as tf.Tensor3D,
  ); // [B, d]
  const dTarget = tf.add(
    fromProducts,
    tf.matMul(dTargetTerm, tf.transpose(tf.sub(ws.target, ws.difference))),
  ); // [B, d]
  return {
    dEncoded: dEncoded as tf.Tensor4D,
    dTarget: dTarget as tf.Tensor2D,
    dKernel: dKernel as tf.Tensor2D,
    dBias: dBias as tf.Tensor1D,
  };
}

function dinHiddenLayer(
  encoded: tf.Tensor4D,
  target: tf.Tensor2D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  save: tf.GradSaveFunc,
) {
  const units = kernel.shape[1];
  const hidden = dinHiddenValue(encoded, target, kernel, bias); // [R, B, L, u]
  save([encoded, target, kernel, hidden]);
  return {
    value: hidden,
    gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) =>
      tf.tidy(() => {
        const [savedEncoded, savedTarget, savedKernel, savedHidden] = saved as [
          tf.Tensor4D,
          tf.Tensor2D,
          tf.Tensor2D,
          tf.Tensor4D,
        ];
        const dPre = tf.reshape(tf.mul(dy, tf.step(savedHidden)), [-1, units]) as tf.Tensor2D; // [R*B*L, u]
        const g = dinHiddenGradients(dPre, savedEncoded, savedTarget, savedKernel);
        return [g.dEncoded, g.dTarget, g.dKernel, g.dBias];
      }),
  };
}

/**
 * relu(h (W_h + W_d) + (h * t) W_p + t (W_t - W_d) + b): encoded h [R, B, L, d], target t [B, d],
 * kernel [4d, u] (rows for h, t, h - t, h * t), bias [u] -> [R, B, L, u].
 */
export const dinHidden = tf.customGrad(dinHiddenLayer as unknown as CustomGradInput) as unknown as (
  encoded: tf.Tensor4D,
  target: tf.Tensor2D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D,
) => tf.Tensor4D;
