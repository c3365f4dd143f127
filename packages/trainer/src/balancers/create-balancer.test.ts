import { isConfigError } from '@dtrn/base';
import { expectNoLeakedTensors } from '@dtrn/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { createBalancer } from './create-balancer.js';
import { UncertaintyBalancer } from './uncertainty.js';

const tasks = ['click', 'conversion'];

describe('createBalancer', () => {
  it('builds every method with defaults', () => {
    expect(createBalancer(undefined, tasks).method).toBe('equal');
    for (const method of ['equal', 'uncertainty', 'gradnorm', 'pcgrad'] as const) {
      const balancer = createBalancer(method, tasks);
      expect(balancer.method).toBe(method);
      expect(balancer.taskWeights()).toEqual([1, 1]);
      balancer.dispose();
    }
    expect(createBalancer({ method: 'fixed', weights: [1, 0.5] }, tasks).taskWeights()).toEqual([1, 0.5]);
  });

  it('rejects unknown keys, methods and bad weights with helpful messages', () => {
    expect(() => createBalancer({ method: 'gradnorm', alpah: 1 } as never, tasks)).toThrow(
      'FitOptions.balancing: unknown key "alpah"; did you mean "alpha"?',
    );
    expect(() => createBalancer('gradnrom' as never, tasks)).toThrow('did you mean "gradnorm"?');
    expect(() => createBalancer({ method: 'fixed', weights: [1] }, tasks)).toThrow(
      'FitOptions.balancing.weights needs one weight per task (expected 2 weights, found 1)',
    );
    expect(() => createBalancer({ method: 'fixed', weights: [0, 0] }, tasks)).toThrow(
      'must have a positive weight',
    );
    try {
      createBalancer({ method: 'gradnorm', alpha: -1 }, tasks);
    } catch (error) {
      expect(isConfigError(error)).toBe(true);
    }
  });

  it('fixed weights: L = sum_k w_k L_k', async () => {
    const balancer = createBalancer({ method: 'fixed', weights: [2, 0.5] }, tasks);
    await expectNoLeakedTensors(() => {
      const losses = [tf.scalar(0.3), tf.scalar(0.8)];
      const total = balancer.combineLosses(losses as tf.Scalar[]);
      expect(total.dataSync()[0]).toBeCloseTo(2 * 0.3 + 0.5 * 0.8, 6);
      tf.dispose([...losses, total]);
    });
    expect(balancer.objective([0.3, 0.8])).toBeCloseTo(1.0, 12);
  });

  it('uncertainty: L = sum_k exp(-s_k) L_k + s_k, and its gradient in s_k is 1 - exp(-s_k) L_k', async () => {
    const before = tf.memory().numTensors;
    const balancer = new UncertaintyBalancer(2, 0.5);
    expect(tf.memory().numTensors).toBe(before + 2); // its two variables, nothing else
    const losses = [tf.scalar(0.3), tf.scalar(2)] as tf.Scalar[];
    const total = balancer.combineLosses(losses);
    expect(total.dataSync()[0]).toBeCloseTo(Math.exp(-0.5) * 2.3 + 1, 5);
    const { value, grads } = tf
      .engine()
      .gradients(() => balancer.combineLosses(losses), [...balancer.variables]);
    expect(grads[0]!.dataSync()[0]).toBeCloseTo(1 - Math.exp(-0.5) * 0.3, 5);
    expect(grads[1]!.dataSync()[0]).toBeCloseTo(1 - Math.exp(-0.5) * 2, 5);
    balancer.setState({ logVariances: [0.25, -1] });
    expect(balancer.logVariances()).toEqual([0.25, -1]);
    expect(balancer.taskWeights()[1]).toBeCloseTo(Math.E, 5);
    tf.dispose([...losses, total, value, ...grads]);
    balancer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
