import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';
import { expectNoLeakedTensors } from '../testing/index.js';
import { EmbeddingBank } from './embedding-bank.js';
import { SparseInputs } from './sparse-inputs.js';

const ids = (...values: number[]) => Int32Array.from(values);

function makeBank() {
  return new EmbeddingBank({
    tables: [
      { name: 'item', rows: 8, dim: 2 },
      { name: 'category', rows: 4, dim: 2 },
    ],
    optimizer: { kind: 'adagrad', learningRate: 0.1 },
    seed: 2,
    initializer: { kind: 'uniform', scale: 0.5 },
  });
}

describe('SparseInputs', () => {
  it('maps input gradients back to rows: d(sum(w · x))/dx = w per looked-up position', async () => {
    const bank = makeBank();
    const weight = tf.variable(tf.tensor1d([2, -3]), true, 'sparse-inputs-weight');
    await expectNoLeakedTensors(
      () => {
        const inputs = new SparseInputs(bank);
        const items = inputs.add('item', ids(1, 2, 0, 1), [2, 2]); // [2, 2, d]
        const categories = inputs.add('category', ids(3)); // [1, d]
        expect(items.shape).toEqual([2, 2, 2]);
        expect(inputs.tensors).toEqual([items, categories]);
        const step = inputs.computeGradients(
          () => tf.add(tf.sum(tf.mul(items, weight)), tf.sum(tf.square(categories))) as tf.Scalar,
          [weight],
        );
        expect(step.embeddingUpdates.map((u) => u.table)).toEqual(['item', 'category']);
        expect(Array.from(step.embeddingUpdates[0]!.gradients)).toEqual([2, -3, 2, -3, 2, -3, 2, -3]);
        const category = bank.lookup('category', ids(3));
        const categoryGradient = step.embeddingUpdates[1]!.gradients;
        expect(categoryGradient[0]).toBeCloseTo(2 * category[0]!, 6);
        expect(categoryGradient[1]).toBeCloseTo(2 * category[1]!, 6);
        // d/dweight = sum over positions of x (padding contributes zeros).
        const summed = bank.lookup('item', ids(1, 2, 1));
        const weightGradient = step.denseGradients['sparse-inputs-weight']!.dataSync();
        expect(weightGradient[0]).toBeCloseTo(summed[0]! + summed[2]! + summed[4]!, 5);
        expect(step.value.shape).toEqual([]);
        const result = bank.applyGradients(step.embeddingUpdates);
        expect(result.touchedRows).toEqual({ item: 2, category: 1 });
        step.dispose();
        inputs.dispose();
        expect(items.isDisposed).toBe(true);
      },
      { label: 'SparseInputs step' },
    );
    weight.dispose();
  });

  it('leaves out inputs and variables the loss does not use', async () => {
    const bank = makeBank();
    const unused = tf.variable(tf.scalar(1), true, 'sparse-inputs-unused');
    await expectNoLeakedTensors(() => {
      const inputs = new SparseInputs(bank);
      const used = inputs.add('item', ids(4));
      inputs.add('category', ids(1));
      const step = inputs.computeGradients(() => tf.sum(used) as tf.Scalar, [unused]);
      expect(step.embeddingUpdates).toHaveLength(1);
      expect(step.embeddingUpdates[0]!.table).toBe('item');
      expect(Object.keys(step.denseGradients)).toEqual([]);
      step.dispose();
      inputs.dispose();
    });
    unused.dispose();
  });

  it('refuses use after dispose and an empty differentiation', () => {
    const inputs = new SparseInputs(makeBank());
    expect(() => inputs.computeGradients(() => tf.scalar(0))).toThrow('nothing to differentiate');
    inputs.dispose();
    inputs.dispose();
    expect(() => inputs.add('item', ids(1))).toThrow('SparseInputs.add: this SparseInputs was disposed');
  });
});
