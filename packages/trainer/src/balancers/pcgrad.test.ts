import { deriveSeed } from '@dtrn/base';
import { expectNoLeakedTensors } from '@dtrn/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { PcgradBalancer, pcgradOrders, projectConflictingGradients } from './pcgrad.js';

const values = (tensors: tf.Tensor[]) => tensors.map((t) => Array.from(t.dataSync()));

describe('PCGrad', () => {
  it('projects conflicting gradients onto the normal plane of each other', () => {
    const g1 = [tf.tensor1d([1, 0])];
    const g2 = [tf.tensor1d([-1, 1])]; // g1 . g2 = -1 < 0
    const [p1, p2] = projectConflictingGradients([g1, g2], [[1], [0]]);
    // p1 = g1 - (-1 / 2) g2 = [0.5, 0.5]; p2 = g2 - (-1 / 1) g1 = [0, 1]
    expect(values(p1!)).toEqual([[0.5, 0.5]]);
    expect(values(p2!)).toEqual([[0, 1]]);
    // the projected gradients no longer conflict with the originals
    expect(0.5 * -1 + 0.5 * 1).toBe(0);
    tf.dispose([...g1, ...g2, ...p1!, ...p2!]);
  });

  it('leaves non-conflicting gradients unchanged', () => {
    const g1 = [tf.tensor1d([1, 0]), tf.tensor2d([[2]])];
    const g2 = [tf.tensor1d([1, 1]), tf.tensor2d([[-0.5]])]; // dot = 1 - 1 = 0: not a conflict
    const [p1, p2] = projectConflictingGradients([g1, g2], [[1], [0]]);
    expect(values(p1!)).toEqual([[1, 0], [2]]);
    expect(values(p2!)).toEqual([[1, 1], [-0.5]]);
    tf.dispose([...g1, ...g2, ...p1!, ...p2!]);
  });

  it('treats all shared inputs as one vector, and a zero gradient conflicts with nothing', () => {
    const g1 = [tf.tensor1d([1]), tf.tensor1d([1])];
    const g2 = [tf.tensor1d([-3]), tf.tensor1d([1])]; // parts disagree, whole dot = -2
    const zero = [tf.tensor1d([0]), tf.tensor1d([0])];
    const [p1, , p3] = projectConflictingGradients(
      [g1, g2, zero],
      [
        [1, 2],
        [0, 2],
        [0, 1],
      ],
    );
    // p1 = g1 - (-2 / 10) g2 = [1 - 0.6, 1 + 0.2]
    const [a, b] = values(p1!);
    expect(a![0]).toBeCloseTo(0.4, 6);
    expect(b![0]).toBeCloseTo(1.2, 6);
    expect(values(p3!)).toEqual([[0], [0]]);
    tf.dispose([...g1, ...g2, ...zero, ...p1!, ...p3!]);
  });

  it('draws a seeded order of the other tasks', () => {
    const orders = pcgradOrders(4, deriveSeed(3, 'step', 1));
    orders.forEach((order, task) => {
      expect([...order].sort()).toEqual([0, 1, 2, 3].filter((j) => j !== task));
    });
    expect(pcgradOrders(4, 11)).toEqual(pcgradOrders(4, 11));
  });

  it('combines: shared inputs projected and summed, task-owned inputs keep their own gradient', async () => {
    const shared = tf.zeros([2]);
    const own0 = tf.zeros([1]);
    const own1 = tf.zeros([1]);
    const balancer = new PcgradBalancer([1, 2]);
    await expectNoLeakedTensors(() => {
      const taskGradients: (tf.Tensor | null)[][] = [
        [tf.tensor1d([1, 0]), tf.tensor1d([5]), null],
        [tf.tensor1d([-0.5, 0.5]), null, tf.tensor1d([7])], // weighted by 2: [-1, 1], conflicts
      ];
      const combined = balancer.combineGradients({
        inputs: [shared, own0, own1],
        taskGradients,
        sharedInputs: [0],
        sharedDenseInputs: [0],
        taskLosses: [1, 1],
        seed: 0,
      });
      expect(values(combined as tf.Tensor[])).toEqual([[0.5, 1.5], [5], [14]]);
      tf.dispose([
        ...(combined as tf.Tensor[]),
        ...taskGradients.flat().filter((g): g is tf.Tensor => g !== null),
      ]);
    });
    tf.dispose([shared, own0, own1]);
  });
});
