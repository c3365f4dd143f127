import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { denseWeightGradients, linear, matMul2d } from './dense-ops.js';
import { expectNoLeakedTensors } from './testing/index.js';

const seeded = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);

/** Largest difference between two lists of tensors. */
function maxDifference(a: readonly tf.Tensor[], b: readonly tf.Tensor[]): number {
  return Math.max(...a.map((t, i) => tf.max(tf.abs(tf.sub(t, b[i]!))).dataSync()[0]!));
}

describe('dense ops with plain-product gradients', () => {
  // [N, in, out]: out <= in (dy is the right-hand operand) and out > in (x is, dy transposed).
  for (const [rows, inputDim, units] of [
    [7, 5, 3],
    [7, 3, 5],
  ] as const) {
    it(`linear equals x @ W + b, gradients equal stock autodiff (in ${inputDim}, out ${units})`, () => {
      tf.tidy(() => {
        const inputs = [seeded([rows, inputDim], 1), seeded([inputDim, units], 2), seeded([units], 3)];
        const upstream = seeded([rows, units], 4);
        const loss =
          (op: (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor) =>
          (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
            tf.sum(tf.mul(op(x, w, b), upstream));
        const ours = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
          linear(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D);
        const stock = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.add(tf.matMul(x, w), b);
        expect(
          maxDifference(
            [ours(...(inputs as [tf.Tensor, tf.Tensor, tf.Tensor]))],
            [stock(...(inputs as [tf.Tensor, tf.Tensor, tf.Tensor]))],
          ),
        ).toBeLessThan(1e-5);
        expect(maxDifference(tf.grads(loss(ours))(inputs), tf.grads(loss(stock))(inputs))).toBeLessThan(1e-5);
        const { kernel, bias } = denseWeightGradients(
          inputs[0] as tf.Tensor2D,
          upstream as tf.Tensor2D,
          true,
        );
        expect(
          maxDifference([kernel, bias!], [tf.matMul(inputs[0]!, upstream, true, false), tf.sum(upstream, 0)]),
        ).toBeLessThan(1e-5);
        expect(
          denseWeightGradients(inputs[0] as tf.Tensor2D, upstream as tf.Tensor2D, false).bias,
        ).toBeUndefined();
      });
    });
  }

  it('matMul2d (plus a bias) gradients equal stock autodiff', () => {
    tf.tidy(() => {
      const x = seeded([6, 4], 5);
      const w = seeded([4, 3], 6);
      const b = seeded([3], 7);
      const upstream = seeded([6, 3], 8);
      const ours = tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) =>
        tf.sum(tf.mul(tf.add(matMul2d(xi as tf.Tensor2D, wi as tf.Tensor2D), bi), upstream)),
      )([x, w, b]);
      const stock = tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) =>
        tf.sum(tf.mul(tf.add(tf.matMul(xi, wi), bi), upstream)),
      )([x, w, b]);
      expect(maxDifference(ours, stock)).toBeLessThan(1e-5);
    });
  });

  it('leak no tensors, forward and backward', async () => {
    const x = seeded([6, 4], 9);
    const w = seeded([4, 3], 10);
    const b = seeded([3], 11);
    await expectNoLeakedTensors(() => {
      tf.dispose(
        tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) =>
          tf.sum(linear(xi as tf.Tensor2D, wi as tf.Tensor2D, bi as tf.Tensor1D)),
        )([x, w, b]),
      );
      tf.dispose(tf.grads((xi: tf.Tensor) => tf.sum(matMul2d(xi as tf.Tensor2D, w as tf.Tensor2D)))([x]));
    });
    tf.dispose([x, w, b]);
  });
});
