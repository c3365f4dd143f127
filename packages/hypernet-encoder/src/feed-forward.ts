/**
 * The Transformer's feed-forward sub-layer with its residual, x + relu(x W1 + b1) W2 + b2, as one
 * op with a hand-written backward pass that is fast and lean on wasm:
 *
 * - it saves only x: the hidden activation ([rows, feedForwardDim], the largest tensor of the
 *   encoder, 118 MiB at B = 1024 once tasks are folded in) is recomputed in the backward pass
 *   instead of being kept (and copied by wasm's `Identity`) from forward to backward;
 * - weight and bias gradients by core's `denseWeightGradients` (plain products that pack the
 *   narrower operand, ones-row or transposed-row-sum bias gradients; see core's dense-ops.ts).
 */
import { denseInputGradient, denseWeightGradients } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';

type CustomGradInput = Parameters<typeof tf.customGrad>[0];

/** relu(x W1 + b1): x [N, d] -> [N, ff] (one fused product). */
export function hiddenActivation(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  return tf.fused.matMul({ a: x, b: kernel, bias, activation: 'relu' }) as tf.Tensor2D; // [N, ff]
}

/** x + relu(x W1 + b1) W2 + b2: x [N, d] -> [N, d]. */
export function feedForwardValue(
  x: tf.Tensor2D,
  innerKernel: tf.Tensor2D,
  innerBias: tf.Tensor1D,
  outerKernel: tf.Tensor2D,
  outerBias: tf.Tensor1D,
): tf.Tensor2D {
  const hidden = hiddenActivation(x, innerKernel, innerBias); // [N, ff]
  return tf.add(x, tf.fused.matMul({ a: hidden, b: outerKernel, bias: outerBias })) as tf.Tensor2D; // [N, d]
}

/**
 * Gradients of `feedForwardValue` (residual included) given its input x [N, d] and dy [N, d]; the
 * hidden activation [N, ff] is recomputed unless given.
 */
export function feedForwardGradients(
  x: tf.Tensor2D,
  dy: tf.Tensor2D,
  innerKernel: tf.Tensor2D,
  innerBias: tf.Tensor1D,
  outerKernel: tf.Tensor2D,
  hidden?: tf.Tensor2D,
) {
  const h = hidden ?? hiddenActivation(x, innerKernel, innerBias); // [N, ff]
  const outer = denseWeightGradients(h, dy, true); // [ff, d], [d]
  const dHidden = tf.mul(denseInputGradient(dy, outerKernel), tf.step(h)) as tf.Tensor2D; // [N, ff]
  const inner = denseWeightGradients(x, dHidden, true); // [d, ff], [ff]
  const dx = tf.add(dy, denseInputGradient(dHidden, innerKernel)) as tf.Tensor2D; // [N, d]
  return {
    dx,
    dInnerKernel: inner.kernel,
    dInnerBias: inner.bias!,
    dOuterKernel: outer.kernel,
    dOuterBias: outer.bias!,
  };
}

function residualFeedForward(
  x: tf.Tensor2D,
  innerKernel: tf.Tensor2D,
  innerBias: tf.Tensor1D,
  outerKernel: tf.Tensor2D,
  outerBias: tf.Tensor1D,
  save: tf.GradSaveFunc,
) {
  save([x, innerKernel, innerBias, outerKernel]);
  return {
    value: feedForwardValue(x, innerKernel, innerBias, outerKernel, outerBias), // [N, d]
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) =>
      tf.tidy(() => {
        const [savedX, w1, b1, w2] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D];
        const g = feedForwardGradients(savedX, dy, w1, b1, w2);
        return [g.dx, g.dInnerKernel, g.dInnerBias, g.dOuterKernel, g.dOuterBias];
      }),
  };
}

/**
 * x + relu(x W1 + b1) W2 + b2 over rows: x [N, d], W1 [d, ff], b1 [ff], W2 [ff, d], b2 [d] -> [N, d].
 * Differentiable with respect to every argument (see the file comment for the backward pass).
 */
export const feedForwardWithResidual = tf.customGrad(
  residualFeedForward as unknown as CustomGradInput,
) as unknown as (
  x: tf.Tensor2D,
  innerKernel: tf.Tensor2D,
  innerBias: tf.Tensor1D,
  outerKernel: tf.Tensor2D,
  outerBias: tf.Tensor1D,
) => tf.Tensor2D;
