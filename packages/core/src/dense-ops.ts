/**
 * The products of dense layers with backward passes that are fast on wasm:
 *
 * - plain products only: a matMul with a transposed operand (what the stock gradients use) runs
 *   as a scalar loop there, several times slower than an explicit transpose and a plain product
 *   (XNNPACK) (bench/dense.bench.mjs: a training step 4.5x slower);
 * - the weight gradient x^T dy packs the narrower of x and dy as the product's right-hand operand:
 *   XNNPACK repacks (transposing) the right-hand operand of every product it has not seen, and
 *   for a tall operand that costs more than the product (bench/dense.bench.mjs);
 * - the bias gradient reuses that work: a product by a ones row when dy is packed anyway (then
 *   nearly free), or the row sums of the transposed dy (bench/dense.bench.mjs).
 *
 * Other backends keep the transposed-operand kernels and `tf.sum`, which are as fast or faster
 * there. Every backward pass runs in `tf.tidy`: tfjs runs a custom op's backward outside any tidy,
 * so its intermediates would otherwise live until the whole backward pass ends.
 */
import * as tf from '@tensorflow/tfjs-core';

type CustomGradInput = Parameters<typeof tf.customGrad>[0];

const onWasm = () => tf.getBackend() === 'wasm';

/**
 * The gradients of a dense layer's weights: x^T dy ([in, out]) and, with `withBias`, the column
 * sums of dy ([out]), for x [N, in], dy [N, out]. On wasm, dy is the right-hand operand when it is
 * the narrower (then the bias product reuses its packing), else x is (with dy transposed, whose
 * row sums are the bias gradient).
 */
export function denseWeightGradients(
  x: tf.Tensor2D,
  dy: tf.Tensor2D,
  withBias: boolean,
): { kernel: tf.Tensor2D; bias: tf.Tensor1D | undefined } {
  const [rows, inputDim] = x.shape;
  const units = dy.shape[1];
  if (!onWasm()) {
    return {
      kernel: tf.matMul(x, dy, true, false),
      bias: withBias ? (tf.sum(dy, 0) as tf.Tensor1D) : undefined,
    };
  }
  if (units <= inputDim) {
    const kernel = tf.matMul(tf.transpose(x), dy) as tf.Tensor2D; // [in, N] @ [N, out] = [in, out]
    const ones = tf.fill([1, rows], 1) as tf.Tensor2D; // [1, N] (Fill: no JavaScript array)
    return { kernel, bias: withBias ? (tf.reshape(tf.matMul(ones, dy), [units]) as tf.Tensor1D) : undefined };
  }
  const dyT = tf.transpose(dy); // [out, N]
  const kernel = tf.transpose(tf.matMul(dyT, x)) as tf.Tensor2D; // ([out, N] @ [N, in])^T = [in, out]
  return { kernel, bias: withBias ? (tf.sum(dyT, 1) as tf.Tensor1D) : undefined };
}

/** dy @ kernel^T: the input gradient of a dense layer, dy [N, out], kernel [in, out] -> [N, in]. */
export function denseInputGradient(dy: tf.Tensor2D, kernel: tf.Tensor2D): tf.Tensor2D {
  return onWasm() ? tf.matMul(dy, tf.transpose(kernel)) : tf.matMul(dy, kernel, false, true);
}

function matMulWithPlainGradients(a: tf.Tensor2D, b: tf.Tensor2D, save: tf.GradSaveFunc) {
  save([a, b]);
  return {
    value: tf.matMul(a, b), // [N, out]
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) =>
      tf.tidy(() => {
        const [savedA, savedB] = saved as [tf.Tensor2D, tf.Tensor2D];
        return [denseInputGradient(dy, savedB), denseWeightGradients(savedA, dy, false).kernel]; // [N, in], [in, out]
      }),
  };
}

/** a @ b for 2-D tensors, with a backward pass that uses only plain (untransposed) matMuls. */
export const matMul2d = tf.customGrad(matMulWithPlainGradients as unknown as CustomGradInput) as unknown as (
  a: tf.Tensor2D,
  b: tf.Tensor2D,
) => tf.Tensor2D;

function linearWithPlainGradients(
  x: tf.Tensor2D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  save: tf.GradSaveFunc,
) {
  save([x, kernel]);
  return {
    value: tf.fused.matMul({ a: x, b: kernel, bias }) as tf.Tensor2D, // [N, out], one XNNPACK op
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) =>
      tf.tidy(() => {
        const [savedX, savedKernel] = saved as [tf.Tensor2D, tf.Tensor2D];
        const weights = denseWeightGradients(savedX, dy, true);
        return [denseInputGradient(dy, savedKernel), weights.kernel, weights.bias!]; // [N, in], [in, out], [out]
      }),
  };
}

/** x @ kernel + bias for x [N, in], kernel [in, out], bias [out] (see the file comment). */
export const linear = tf.customGrad(linearWithPlainGradients as unknown as CustomGradInput) as unknown as (
  x: tf.Tensor2D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D,
) => tf.Tensor2D;
