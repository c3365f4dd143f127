import { expectNoLeakedTensors } from '@dtrn/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { addPerSample, conditionalAffine, mulPerSample, sumLeading, sumMiddle } from './broadcast-ops.js';
import { dinHidden } from './din-hidden.js';
import { feedForwardWithResidual } from './feed-forward.js';
import { standardize } from './layer-norm.js';

type Op = (...inputs: tf.Tensor[]) => tf.Tensor;

/** Largest difference of the values and of every input gradient (under a fixed random read-out). */
function compareWithStock(custom: Op, stock: Op, inputs: tf.Tensor[]): number {
  return tf.tidy(() => {
    const readOut = tf.randomNormal(custom(...inputs).shape, 0, 1, 'float32', 3);
    const lossOf =
      (op: Op) =>
      (...xs: tf.Tensor[]) =>
        tf.sum(tf.mul(op(...xs), readOut));
    const differences = [tf.sub(custom(...inputs), stock(...inputs))];
    const customGrads = tf.grads(lossOf(custom))(inputs);
    const stockGrads = tf.grads(lossOf(stock))(inputs);
    customGrads.forEach((g, i) => {
      expect(g.shape).toEqual(inputs[i]!.shape);
      differences.push(tf.sub(g, stockGrads[i]!));
    });
    return Math.max(...differences.map((d) => tf.max(tf.abs(d)).dataSync()[0]!));
  });
}

const normal = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

describe('ops with hand-written gradients equal stock autodiff', () => {
  it('sumLeading and sumMiddle', () => {
    const x = normal([3, 4, 5], 1);
    expect(tf.max(tf.abs(tf.sub(sumLeading(x), tf.sum(x, 0)))).dataSync()[0]).toBeLessThan(1e-5);
    expect(tf.max(tf.abs(tf.sub(sumMiddle(x as tf.Tensor3D), tf.sum(x, 1)))).dataSync()[0]).toBeLessThan(
      1e-5,
    );
    tf.dispose(x);
  });

  for (const sharedZ of [true, false]) {
    it(`conditionalAffine (z ${sharedZ ? 'shared by' : 'per'} task)`, () => {
      const inputs = [normal([sharedZ ? 1 : 3, 2, 7, 4], 1), normal([3, 2, 4], 2), normal([3, 2, 4], 3)];
      const stock: Op = (z, g, b) =>
        tf.add(tf.mul(z!, tf.reshape(g!, [3, 2, 1, 4])), tf.reshape(b!, [3, 2, 1, 4]));
      const op: Op = (z, g, b) => conditionalAffine(z as tf.Tensor4D, g as tf.Tensor3D, b as tf.Tensor3D);
      expect(compareWithStock(op, stock, inputs)).toBeLessThan(1e-4);
      tf.dispose(inputs);
    });
  }

  it('addPerSample and mulPerSample', () => {
    const inputs = [normal([3, 2, 5, 4], 1), normal([2, 4], 2)];
    const perSample = (t: tf.Tensor) => tf.reshape(t, [1, 2, 1, 4]);
    expect(
      compareWithStock(
        (x, c) => addPerSample(x as tf.Tensor4D, c as tf.Tensor2D),
        (x, c) => tf.add(x!, perSample(c!)),
        inputs,
      ),
    ).toBeLessThan(1e-4);
    expect(
      compareWithStock(
        (x, t) => mulPerSample(x as tf.Tensor4D, t as tf.Tensor2D),
        (x, t) => tf.mul(x!, perSample(t!)),
        inputs,
      ),
    ).toBeLessThan(1e-4);
    tf.dispose(inputs);
  });

  it('feedForwardWithResidual', () => {
    const inputs = [normal([30, 4], 1), normal([4, 6], 2), normal([6], 3), normal([6, 4], 4), normal([4], 5)];
    const stock: Op = (x, w1, b1, w2, b2) =>
      tf.add(x!, tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x!, w1!), b1!)), w2!), b2!));
    const op: Op = (x, w1, b1, w2, b2) =>
      feedForwardWithResidual(
        x as tf.Tensor2D,
        w1 as tf.Tensor2D,
        b1 as tf.Tensor1D,
        w2 as tf.Tensor2D,
        b2 as tf.Tensor1D,
      );
    expect(compareWithStock(op, stock, inputs)).toBeLessThan(1e-4);
    tf.dispose(inputs);
  });

  it('standardize', () => {
    const inputs = [tf.add(tf.mul(normal([3, 5, 6], 1), 3), 2)];
    const stock: Op = (x) => {
      const { mean, variance } = tf.moments(x!, -1, true);
      return tf.div(tf.sub(x!, mean), tf.sqrt(tf.add(variance, 1e-6)));
    };
    expect(compareWithStock((x) => standardize(x!, 1e-6), stock, inputs)).toBeLessThan(1e-3);
    tf.dispose(inputs);
  });

  it('dinHidden', () => {
    const [replicas, batch, length, d, units] = [3, 2, 5, 4, 6];
    const inputs = [
      normal([replicas, batch, length, d], 1),
      normal([batch, d], 2),
      normal([4 * d, units], 3),
      normal([units], 4),
    ];
    const stock: Op = (h, t, kernel, bias) => {
      const targets = tf.broadcastTo(tf.reshape(t!, [1, batch, 1, d]), h!.shape);
      const features = tf.concat([h!, targets, tf.sub(h!, targets), tf.mul(h!, targets)], 3);
      return tf.relu(
        tf.add(
          tf.reshape(tf.matMul(tf.reshape(features, [-1, 4 * d]), kernel!), [replicas, batch, length, units]),
          bias!,
        ),
      );
    };
    const op: Op = (h, t, kernel, bias) =>
      dinHidden(h as tf.Tensor4D, t as tf.Tensor2D, kernel as tf.Tensor2D, bias as tf.Tensor1D);
    expect(compareWithStock(op, stock, inputs)).toBeLessThan(1e-4);
    tf.dispose(inputs);
  });

  it('leak no tensors, forward and backward', async () => {
    const x = normal([3, 2, 5, 4], 1);
    const t = normal([2, 4], 2);
    const kernel = normal([16, 3], 3);
    const bias = normal([3], 4);
    const z = tf.reshape(x, [1, 3, 10, 4]);
    const gamma = tf.ones([2, 3, 4]);
    await expectNoLeakedTensors(() => {
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, e: tf.Tensor) =>
        tf.sum(dinHidden(a as tf.Tensor4D, b as tf.Tensor2D, c as tf.Tensor2D, e as tf.Tensor1D)),
      )([x, t, kernel, bias]);
      tf.dispose(grads);
      const affine = tf.grads((a: tf.Tensor, g: tf.Tensor) =>
        tf.sum(conditionalAffine(a as tf.Tensor4D, g as tf.Tensor3D, g as tf.Tensor3D)),
      )([z, gamma]);
      tf.dispose(affine);
    });
    tf.dispose([x, t, kernel, bias, z, gamma]);
  });
});
