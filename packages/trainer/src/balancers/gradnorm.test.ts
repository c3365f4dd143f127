import { expectNoLeakedTensors } from '@dtrn/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { GradNormBalancer } from './gradnorm.js';

const settings = { alpha: 1.5, learningRate: 0.025, minWeight: 0.01 };

describe('GradNorm', () => {
  it('lowers the weight of the task that trains faster and raises the slower one, keeping sum K', () => {
    const balancer = new GradNormBalancer(2, settings);
    balancer.updateWeights([1, 1], [1, 1]); // first step: L(0)
    const start = balancer.taskWeights();
    for (let step = 0; step < 20; step++) balancer.updateWeights([1, 1], [0.2, 0.9]); // task 0 learns fast
    const [fast, slow] = balancer.taskWeights();
    expect(fast!).toBeLessThan(start[0]!);
    expect(slow!).toBeGreaterThan(start[1]!);
    expect(fast! + slow!).toBeCloseTo(2, 10);
  });

  it('moves the weighted gradient norms toward each other when rates are equal', () => {
    const balancer = new GradNormBalancer(2, settings);
    const norms = [4, 1]; // task 0's gradients are 4x larger
    const gap = () => {
      const [w0, w1] = balancer.taskWeights();
      return Math.abs(w0! * norms[0]! - w1! * norms[1]!);
    };
    balancer.updateWeights(norms, [0.7, 0.7]);
    const before = gap();
    for (let step = 0; step < 40; step++) balancer.updateWeights(norms, [0.7, 0.7]);
    expect(gap()).toBeLessThan(before * 0.5);
  });

  it('combines per-task gradients with the current weights and restores its state', async () => {
    const balancer = new GradNormBalancer(2, settings);
    const input = tf.zeros([2]);
    await expectNoLeakedTensors(() => {
      const g0 = tf.tensor1d([3, 4]); // norm 5
      const g1 = tf.tensor1d([0, 1]); // norm 1
      const combined = balancer.combineGradients({
        inputs: [input],
        taskGradients: [[g0], [g1]],
        sharedInputs: [0],
        sharedDenseInputs: [0],
        taskLosses: [0.5, 0.5],
        seed: 0,
      });
      expect(Array.from(combined[0]!.dataSync())).toEqual([3, 5]); // weights were 1 and 1
      expect(balancer.lastGradientNorms).toEqual([5, 1]);
      tf.dispose([g0, g1, ...(combined as tf.Tensor[])]);
    });
    const state = balancer.getState();
    const copy = new GradNormBalancer(2, settings);
    copy.setState(JSON.parse(JSON.stringify(state)));
    expect(copy.getState()).toEqual(state);
    expect(() => copy.setState({ weights: [1] })).toThrow(
      'gradnorm balancer state: weights does not match the tasks',
    );
    input.dispose();
  });
});
