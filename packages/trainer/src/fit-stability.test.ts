import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { BalancingArgs } from './balancers/create-balancer.js';
import { datasetBatches } from './batching.js';
import { isNonFiniteLossError } from './errors.js';
import { fit } from './fit.js';
import { stateValues, tinySetup } from './testing/setup.js';

describe('fit stability', () => {
  it('keeps tf.memory().numTensors constant over hundreds of steps', async () => {
    const { model, train, validation } = tinySetup({ trainSize: 64 });
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    await fit(model, train, validation, {
      epochs: 40, // 8 steps per epoch: 320 steps, with validation every epoch
      batchSize: 8,
      earlyStopping: { patience: 100 },
      progressEverySteps: 1,
      onProgress: () => {
        counts.push(tf.memory().numTensors);
      },
    });
    expect(counts).toHaveLength(320);
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before); // optimizer slots freed at the end
    model.dispose();
  });

  for (const balancing of [
    'uncertainty',
    'gradnorm',
    'pcgrad',
    { method: 'fixed', weights: [1, 2] },
  ] as BalancingArgs[]) {
    const name = typeof balancing === 'string' ? balancing : balancing.method;
    it(`keeps the tensor count constant with ${name} balancing`, async () => {
      const { model, train } = tinySetup({ trainSize: 64 });
      const counts: number[] = [];
      const before = tf.memory().numTensors;
      await fit(model, train, null, {
        epochs: 5,
        batchSize: 8,
        balancing,
        progressEverySteps: 1,
        onProgress: () => {
          counts.push(tf.memory().numTensors);
        },
      });
      expect(counts).toHaveLength(40);
      expect(new Set(counts).size).toBe(1);
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    });
  }

  it('stops on a NaN loss naming the step and the task, before updating the weights', async () => {
    const { model, train } = tinySetup({ trainSize: 48 });
    const labels = train.labels[1]!.slice();
    labels[37] = Number.NaN; // conversion label of row 37: batch 4 (rows 32..39) without shuffling
    const broken = { ...train, labels: [train.labels[0]!, labels] };
    // A dataset is validated before the first step (the row is named) ...
    await expect(fit(model, broken, null, { epochs: 1 })).rejects.toThrow(
      'fit trainData: field label/conversion, index 37: label outside {0, 1}',
    );
    // ... a batch source is not: the step names the task instead.
    let lastGood: number[] = [];
    const source = datasetBatches(broken, { batchSize: 8, shuffle: false });
    const error = await fit(model, source, null, {
      epochs: 1,
      progressEverySteps: 1,
      onProgress: () => {
        lastGood = stateValues(model.getState());
      },
    }).catch((caught: unknown) => caught);
    expect(isNonFiniteLossError(error)).toBe(true);
    expect(String(error)).toContain('loss of task "conversion" is NaN at step 5 (epoch 1, batch 5)');
    expect((error as { location: { step: number; task: string } }).location).toMatchObject({
      step: 5,
      task: 'conversion',
    });
    expect(stateValues(model.getState())).toEqual(lastGood);
    model.dispose();
  });

  it('learns the uncertainty log-variances toward log L_k', async () => {
    const { model, train } = tinySetup();
    const result = await fit(model, train, null, {
      epochs: 6,
      batchSize: 16,
      balancing: 'uncertainty',
      optimizer: { learningRate: 0.05 },
    });
    // s_k starts at 0 (weight 1); with L_k < 1 the optimum s_k = log L_k < 0 raises the weights
    const weights = result.taskWeights;
    expect(weights[0]!).toBeGreaterThan(1.1);
    expect(weights[1]!).toBeGreaterThan(1.1);
    expect(result.history.at(-1)!.taskWeights).toEqual(weights);
    model.dispose();
  });

  it("early stopping restores the best epoch's weights", async () => {
    const { model, train, validation } = tinySetup({
      trainSize: 32,
      model: { hiddenUnits: 16, embeddingLearningRate: 0.5 },
    });
    const states: number[][] = [];
    const result = await fit(model, train, validation, {
      epochs: 30,
      batchSize: 8,
      optimizer: { learningRate: 0.05 },
      earlyStopping: { monitor: 'logloss:click', patience: 2 },
      onEpochEnd: () => {
        states.push(stateValues(model.getState()));
      },
    });
    expect(result.stoppedReason).toBe('earlyStopping');
    expect(result.bestEpoch).not.toBeNull();
    const last = result.history.length - 1;
    expect(result.bestEpoch!).toBe(last - 3); // patience 2: three epochs without improvement
    expect(result.restoredBestWeights).toBe(true);
    expect(stateValues(model.getState())).toEqual(states[result.bestEpoch!]);
    expect(stateValues(model.getState())).not.toEqual(states[last]);
    const values = result.history.map((record) => record.monitorValue!);
    expect(Math.min(...values)).toBe(result.bestValue);
    model.dispose();
  });
});
