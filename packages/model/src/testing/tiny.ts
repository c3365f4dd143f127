/** Shared helpers of the model tests: tiny synthetic data, tiny presets, a minimal training loop. */

import { isConfigError } from '@dtrn/base';
import { type Batch, type InMemoryDataset, sliceRows } from '@dtrn/data';
import { generateMultiBehaviorData, syntheticPreset } from '@dtrn/datasets';
import { aucOrUndefined } from '@dtrn/metrics';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { createModel } from '../create-model.js';
import type { ModelArgs } from '../model-args.js';
import { type ModelPresetName, modelPreset } from '../presets.js';
import type { RecommenderModel } from '../recommender-model.js';

export const onWasm = process.env.DTRN_TEST_BACKEND === 'wasm';

/**
 * The tiny synthetic preset with short sequences (fast on both backends); tasks independent, or
 * with `'cascade'` conversion observed on clicks only (the funnel ESMM and AITM need).
 */
export function tinyData(
  seed = 1,
  numSamples = 5000,
  taskMode: 'independent' | 'cascade' = 'independent',
): InMemoryDataset {
  return generateMultiBehaviorData(
    syntheticPreset('control', 'tiny', {
      seed,
      sequenceLength: 8,
      numSamples,
      taskMode,
      clickRate: 0.3,
      conversionRate: 0.3,
    }),
  );
}

/** The message of the ConfigError `fn` throws (fails the test when it throws none or another kind). */
export function configErrorMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(isConfigError(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

/** Small blocks for tests; the embedding size is the same for every preset. */
export const TINY_OVERRIDES: ModelArgs = {
  embeddingDim: 10,
  encoder: {
    feedForwardDim: 16,
    hypernetworkUnits: 8,
    poolingUnits: [8],
    taskEmbeddingDim: 4,
    behaviorEmbeddingDim: 4,
  },
  embeddings: { optimizer: { kind: 'adam', learningRate: 0.03 } },
};

const TINY_HEADS: Record<string, Record<string, unknown>> = {
  'shared-bottom': { bottomUnits: [16], towerUnits: [8] },
  mmoe: { numExperts: 2, expertUnits: [16], towerUnits: [8] },
  ple: { numLevels: 1, numTaskExperts: 1, numSharedExperts: 1, expertUnits: [16], towerUnits: [8] },
  esmm: { towerUnits: [16, 8] },
  aitm: { towerUnits: [16, 8] },
};

/** `tinyData` with conversion observed on clicks only. */
export function tinyCascadeData(seed = 1, numSamples = 5000): InMemoryDataset {
  return tinyData(seed, numSamples, 'cascade');
}

/** The preset's args at test size. */
export function tinyPreset(name: ModelPresetName, extra: ModelArgs = {}): ModelArgs {
  const head = modelPreset(name).head!;
  return modelPreset(name, { ...TINY_OVERRIDES, headArgs: TINY_HEADS[head]!, ...extra });
}

export function tinyModel(
  name: ModelPresetName,
  data: InMemoryDataset,
  extra: ModelArgs = {},
): RecommenderModel {
  return createModel(data.schema, tinyPreset(name, extra));
}

/** Masked mean BCE-with-logits per task, summed over tasks. */
export function batchLoss(logits: readonly tf.Tensor[], batch: Batch): tf.Scalar {
  return tf.tidy(() => {
    const losses = logits.map((logit, k) => {
      const labels = tf.tensor2d(batch.labels[k]!, [batch.size, 1]);
      const mask = batch.sampleMasks[k]
        ? tf.tensor2d(batch.sampleMasks[k]!, [batch.size, 1])
        : tf.onesLike(labels);
      const perSample = tf.sub(
        tf.add(tf.relu(logit), tf.log1p(tf.exp(tf.neg(tf.abs(logit))))),
        tf.mul(logit, labels),
      ); // [B, 1]
      return tf.div(tf.sum(tf.mul(perSample, mask)), tf.maximum(tf.sum(mask), 1));
    });
    return tf.addN(losses) as tf.Scalar;
  });
}

/** One training step of the minimal loop; returns the loss. */
export function trainStep(
  model: RecommenderModel,
  batch: Batch,
  optimizer: tf.Optimizer,
  seed: number,
): number {
  const prepared = model.prepare(batch, { training: true, seed });
  const variables = [...model.variableGroups.shared, ...model.variableGroups.perTask.flat()];
  try {
    const { value, grads } = tf
      .engine()
      .gradients(
        () => batchLoss(model.forward(prepared, { training: true, seed }), batch),
        [...prepared.sparseInputs, ...variables],
        undefined,
        true,
      );
    const count = prepared.sparseInputs.length;
    const sparse = prepared.sparseInputs.map((input, i) => grads[i] ?? tf.zerosLike(input));
    prepared.applySparseGradients(sparse);
    const named = variables.map((variable, i) => ({ name: variable.name, tensor: grads[count + i]! }));
    optimizer.applyGradients(named.filter((entry) => entry.tensor !== undefined));
    const loss = value.dataSync()[0]!;
    tf.dispose([value, ...grads, ...sparse]);
    return loss;
  } finally {
    prepared.dispose();
  }
}

/** Mean loss of a dataset in inference mode. */
export function evaluateLoss(model: RecommenderModel, data: InMemoryDataset): number {
  const prepared = model.prepare(data, { training: false });
  try {
    return tf.tidy(() => batchLoss(model.forward(prepared, { training: false }), data).dataSync()[0]!);
  } finally {
    prepared.dispose();
  }
}

/** AUC per task on the task's sample space. */
export function evaluateAuc(model: RecommenderModel, data: InMemoryDataset): number[] {
  const predictions = model.predict(data);
  return predictions.map((scores, k) => {
    const mask = data.sampleMasks[k];
    const labels: number[] = [];
    const kept: number[] = [];
    for (let i = 0; i < data.size; i++) {
      if (mask && mask[i] === 0) continue;
      labels.push(data.labels[k]![i]!);
      kept.push(scores[i]!);
    }
    return aucOrUndefined(labels, kept) ?? Number.NaN;
  });
}

/** Trains for `epochs` over `train` in batches; returns the validation loss before and after. */
export function trainBriefly(
  model: RecommenderModel,
  train: InMemoryDataset,
  validation: InMemoryDataset,
  options: { epochs: number; batchSize: number; learningRate: number },
): { before: number; after: number; auc: number[] } {
  const before = evaluateLoss(model, validation);
  const optimizer = tf.train.adam(options.learningRate);
  let step = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let start = 0; start + options.batchSize <= train.size; start += options.batchSize) {
      trainStep(model, sliceRows(train, start, start + options.batchSize), optimizer, step++);
    }
  }
  optimizer.dispose();
  return { before, after: evaluateLoss(model, validation), auc: evaluateAuc(model, validation) };
}

/** Exact equality of per-task predictions. */
export function expectSamePredictions(
  actual: readonly Float32Array[],
  expected: readonly Float32Array[],
): void {
  expect(actual.length).toBe(expected.length);
  for (const [k, p] of actual.entries()) expect(Array.from(p), `task ${k}`).toEqual(Array.from(expected[k]!));
}
