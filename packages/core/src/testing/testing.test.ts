import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { checkGradients, configRoundTrip, expectNoLeakedTensors } from './index.js';

describe('testing helpers', () => {
  it('expectNoLeakedTensors catches a leak and passes clean code', async () => {
    let kept: tf.Tensor | undefined;
    await expect(
      expectNoLeakedTensors(
        () => {
          kept = tf.ones([2]);
        },
        { label: 'leaky' },
      ),
    ).rejects.toThrow('leaky: tensor count changed by 1');
    kept?.dispose();
    const value = await expectNoLeakedTensors(async () => tf.tidy(() => tf.sum(tf.ones([3])).dataSync()[0]));
    expect(value).toBe(3);
    await expectNoLeakedTensors(
      () => {
        kept = tf.ones([2]);
      },
      { allowed: 1 },
    );
    kept?.dispose();
  });

  it('checkGradients accepts a correct gradient and rejects a wrong one', () => {
    const x = tf.tensor1d([0.3, -0.7, 1.1]);
    const report = checkGradients((v) => tf.sum(tf.mul(tf.sin(v!), v!)), [x]);
    expect(report.checked).toBe(3);
    expect(report.maxAbsoluteError).toBeLessThan(2e-3);
    // A custom op whose declared gradient is twice the true one.
    const doubledGradient = (v: tf.Tensor, save: tf.GradSaveFunc) => {
      save([v]);
      return {
        value: tf.square(v),
        gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.mul(dy, tf.mul(4, saved!)),
      };
    };
    // biome-ignore lint/suspicious/noExplicitAny: loose tfjs customGrad typing
    const wrong = tf.customGrad(doubledGradient as any) as unknown as (v: tf.Tensor) => tf.Tensor;
    expect(() => checkGradients((v) => tf.sum(wrong(v!)), [x], { names: ['x'] })).toThrow(
      /checkGradients: x, element 0: analytic/,
    );
    x.dispose();
  });

  it('configRoundTrip rebuilds a registered layer from its config', () => {
    const layer = tfl.layers.dense({ units: 3, activation: 'relu', name: 'd1' });
    const config = configRoundTrip(layer);
    expect(config.units).toBe(3);
    expect(config.name).toBe('d1');
  });
});
