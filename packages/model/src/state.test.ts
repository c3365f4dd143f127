/** getState / setState: copies under stable names; restores into a fresh model built from the same config. */
import { isShapeError } from '@dtrn/base';
import { expectNoLeakedTensors } from '@dtrn/core/testing';
import { sliceRows } from '@dtrn/data';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectSamePredictions, tinyData, tinyModel, trainStep } from './testing/tiny.js';

const data = tinyData(9, 200);
const batch = sliceRows(data, 0, 16);

describe.each(['dtrn-ple', 'single-task', 'stem-ple'] as const)('%s state', (name) => {
  it('restores into a fresh model with identical predictions; the state is a copy', () => {
    const model = tinyModel(name, data);
    const optimizer = tf.train.adam(0.05);
    trainStep(model, sliceRows(data, 0, 32), optimizer, 0);
    const state = model.getState();
    const expected = model.predict(batch);
    trainStep(model, sliceRows(data, 32, 64), optimizer, 1);
    const moved = model.predict(batch);
    expect(Array.from(moved[0]!)).not.toEqual(Array.from(expected[0]!));
    const fresh = tinyModel(name, data);
    fresh.setState(state);
    const restored = fresh.predict(batch);
    expectSamePredictions(restored, expected);
    expect(Object.keys(state.dense)).toEqual(model.namedWeights().map((w) => w.name));
    optimizer.dispose();
    model.dispose();
    fresh.dispose();
  });

  it('rejects a state of another config before changing anything', () => {
    const model = tinyModel(name, data);
    const other = tinyModel(name, data, { embeddingDim: 12 });
    const before = model.predict(batch);
    try {
      model.setState(other.getState());
      throw new Error('expected an error');
    } catch (error) {
      expect(isShapeError(error) || (error as Error).name === 'ConfigError').toBe(true);
    }
    const after = model.predict(batch);
    expectSamePredictions(after, before);
    model.dispose();
    other.dispose();
  });

  it('leaks no tensors', async () => {
    const model = tinyModel(name, data);
    await expectNoLeakedTensors(() => model.setState(model.getState()));
    model.dispose();
  });
});

describe('dense state errors', () => {
  it('names the weight that does not fit', () => {
    const model = tinyModel('mmoe', data);
    const state = model.getState();
    const name = Object.keys(state.dense)[0]!;
    const broken = {
      ...state,
      dense: { ...state.dense, [name]: { shape: [1], values: new Float32Array(1) } },
    };
    expect(() => model.setState(broken)).toThrow(`weight "${name}" does not fit`);
    model.dispose();
  });
});
