import { ShapeError } from '@dtrn/base';
import { expectNoLeakedTensors } from '@dtrn/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ADAM, DenseAdam } from './dense-adam.js';

const gradientsAt = (step: number) => [
  tf.tensor2d([0.1 * step, -0.2, 0.3, 0.05], [2, 2]),
  tf.tensor1d([step % 2 === 0 ? 1 : -1, 0.5]),
];

describe('DenseAdam', () => {
  it('matches tf.train.adam on the same gradients', () => {
    const ours = [tf.variable(tf.tensor2d([1, 2, 3, 4], [2, 2])), tf.variable(tf.tensor1d([0, 1]))];
    const theirs = ours.map((v) => tf.variable(tf.clone(v)));
    const adam = new DenseAdam(ours, { ...DEFAULT_ADAM, learningRate: 0.01 });
    const reference = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
    for (let step = 1; step <= 5; step++) {
      const gradients = gradientsAt(step);
      adam.apply(gradients);
      reference.applyGradients(theirs.map((v, i) => ({ name: v.name, tensor: gradients[i]! })));
      tf.dispose(gradients);
    }
    ours.forEach((variable, i) => {
      const a = variable.dataSync();
      const b = theirs[i]!.dataSync();
      a.forEach((value, j) => {
        expect(value).toBeCloseTo(b[j]!, 5);
      });
    });
    expect(adam.step).toBe(5);
    adam.dispose();
    reference.dispose();
    tf.dispose([...ours, ...theirs]);
  });

  it('continues bit-for-bit from a saved state, in a fresh optimizer over fresh variables', async () => {
    const run = (
      steps: number[],
      from?: { values: Float32Array[]; state: ReturnType<DenseAdam['getState']> },
    ) => {
      const variables: tf.Variable[] = tf.tidy(() => [
        tf.variable(tf.tensor2d([1, 2, 3, 4], [2, 2])),
        tf.variable(tf.tensor1d([0, 1])),
      ]);
      const adam = new DenseAdam(variables, DEFAULT_ADAM);
      if (from) {
        tf.tidy(() => {
          variables.forEach((v, i) => {
            v.assign(tf.tensor(from.values[i]!, v.shape) as tf.Tensor);
          });
        });
        adam.setState(from.state);
      }
      for (const step of steps) {
        const gradients = gradientsAt(step);
        adam.apply(gradients);
        tf.dispose(gradients);
      }
      const result = {
        values: variables.map((v) => v.dataSync().slice() as Float32Array),
        state: adam.getState(),
      };
      adam.dispose();
      tf.dispose(variables);
      return result;
    };
    await expectNoLeakedTensors(() => {
      const straight = run([1, 2, 3, 4, 5, 6]);
      const half = run([1, 2, 3]);
      const resumed = run([4, 5, 6], half);
      expect(resumed.values).toEqual(straight.values);
      expect(resumed.state).toEqual(straight.state);
    });
  });

  it('updates ranges of the flat parameters on shared moments exactly as one whole step', () => {
    const make = () => [tf.variable(tf.tensor2d([1, 2, 3, 4], [2, 2])), tf.variable(tf.tensor1d([0, 1]))];
    const whole = make();
    const split = make();
    const reference = new DenseAdam(whole, DEFAULT_ADAM);
    // Two "workers" over one set of moments, each updating its range [0, 3) and [3, 6).
    const moments = { first: new Float32Array(6), second: new Float32Array(6) };
    const halves = [new DenseAdam(split, DEFAULT_ADAM, moments), new DenseAdam(split, DEFAULT_ADAM, moments)];
    const weights = new Float32Array(6);
    for (let step = 1; step <= 4; step++) {
      const gradients = gradientsAt(step);
      const flat = Float32Array.from([...gradients[0]!.dataSync(), ...gradients[1]!.dataSync()]);
      const skipped = step === 2 ? new Set([1]) : new Set<number>(); // variable 1 without gradient at step 2
      reference.apply(step === 2 ? [gradients[0]!, null] : gradients);
      halves[0]!.applyRange(flat, skipped, 0, 3, weights);
      halves[1]!.applyRange(flat, skipped, 3, 6, weights);
      halves[0]!.loadWeights(weights);
      tf.dispose(gradients);
    }
    whole.forEach((variable, i) => {
      expect(Array.from(split[i]!.dataSync())).toEqual(Array.from(variable.dataSync()));
    });
    const state = reference.getState();
    expect(halves[1]!.getState()).toEqual(state);
    expect(() => halves[0]!.applyRange(new Float32Array(5), new Set(), 0, 3, weights)).toThrow(ShapeError);
    expect(() => halves[0]!.useMoments({ first: new Float32Array(6), second: new Float32Array(2) })).toThrow(
      ShapeError,
    );
    tf.dispose([...whole, ...split]);
  });

  it('validates states and gradient counts', () => {
    const variables = [tf.variable(tf.zeros([3]))];
    const adam = new DenseAdam(variables, DEFAULT_ADAM);
    expect(() => adam.apply([])).toThrow(
      'DenseAdam.apply: one gradient per variable expected (expected 1, found 0)',
    );
    expect(() =>
      adam.setState({
        step: 1,
        firstMoments: [new Float32Array(2)],
        secondMoments: [new Float32Array(3)],
        shapes: [[3]],
      }),
    ).toThrow(
      'optimizer first moment 0 does not match its variable (expected 3 values (shape [3]), found 2)',
    );
    adam.dispose();
    tf.dispose(variables);
  });
});
