import { expectNoLeakedTensors } from '@dtrn/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  binaryCrossEntropyWithLogits,
  createTaskTargets,
  disposeTargets,
  maskedTaskLoss,
  maskedTaskLosses,
} from './loss.js';

function bce(y: number, z: number): number {
  const p = 1 / (1 + Math.exp(-z));
  return -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
}

describe('masked per-task BCE with logits', () => {
  it('averages over the task sample space only (PLE normalisation), by hand', async () => {
    await expectNoLeakedTensors(() => {
      const logits = [0.3, -1.2, 2.0, 0.0];
      const click = new Float32Array([1, 0, 1, 0]);
      const conversion = new Float32Array([1, 0, 0, 0]);
      const targets = createTaskTargets([click, conversion], [undefined, click], 4);
      const z = tf.tensor2d(logits, [4, 1]);
      const [clickLoss, conversionLoss] = maskedTaskLosses([z, z], targets).map((t) => {
        const value = t.dataSync()[0]!;
        t.dispose();
        return value;
      });
      const expectedClick = logits.reduce((sum, zi, i) => sum + bce(click[i]!, zi), 0) / 4;
      // conversion is defined on rows 0 and 2 (the clicks) only
      const expectedConversion = (bce(1, 0.3) + bce(0, 2.0)) / 2;
      expect(clickLoss).toBeCloseTo(expectedClick, 5);
      expect(conversionLoss).toBeCloseTo(expectedConversion, 5);
      expect(targets[1]!.count).toBe(2);
      z.dispose();
      disposeTargets(targets);
    });
  });

  it('is 0 for a task with an empty sample space (no division by zero)', () => {
    const targets = createTaskTargets([new Float32Array([1, 0])], [new Float32Array([0, 0])], 2);
    const z = tf.tensor2d([5, -5], [2, 1]);
    const loss = maskedTaskLoss(z, targets[0]!);
    expect(loss.dataSync()[0]).toBe(0);
    tf.dispose([z, loss]);
    disposeTargets(targets);
  });

  it('stays finite for extreme logits', () => {
    const z = tf.tensor2d([80, -80], [2, 1]);
    const y = tf.tensor2d([0, 1], [2, 1]);
    const value = binaryCrossEntropyWithLogits(z, y);
    expect(Array.from(value.dataSync())).toEqual([expect.closeTo(80, 3), expect.closeTo(80, 3)]);
    tf.dispose([z, y, value]);
  });

  it('has the gradient sigmoid(z) - y, also at z = 0, scaled by mask / count', () => {
    const targets = createTaskTargets([new Float32Array([1, 0, 1])], [new Float32Array([1, 1, 0])], 3);
    const z = tf.tensor2d([0, 0.5, -2], [3, 1]);
    const gradient = tf.grad((x: tf.Tensor) => maskedTaskLoss(x, targets[0]!))(z);
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    const values = Array.from(gradient.dataSync());
    expect(values[0]).toBeCloseTo((0.5 - 1) / 2, 6);
    expect(values[1]).toBeCloseTo((sigmoid(0.5) - 0) / 2, 6);
    expect(Math.abs(values[2]!)).toBe(0); // outside the sample space
    tf.dispose([z, gradient]);
    disposeTargets(targets);
  });

  it('rejects logits of the wrong shape and label arrays of the wrong length', () => {
    const targets = createTaskTargets([new Float32Array([1, 0])], [undefined], 2);
    const z = tf.tensor2d([1, 2, 3], [3, 1]);
    expect(() => maskedTaskLoss(z, targets[0]!)).toThrow(
      'task logits have the wrong shape (expected [2, 1], found "[3, 1]")',
    );
    expect(() => maskedTaskLosses([z, z], targets)).toThrow('wrong number of task logits');
    expect(() => createTaskTargets([new Float32Array(3)], [undefined], 2)).toThrow(
      'labels of task 0 have the wrong length (expected 2 (the batch size), found 3)',
    );
    tf.dispose(z);
    disposeTargets(targets);
  });
});
