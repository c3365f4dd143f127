/**
 * Evaluation of a multi-task model: per task AUC over the task's sample space, GAUC by the batch's
 * groups (users), and logloss, with `@dtrn/metrics`. Optionally returns every prediction (for
 * paired bootstrap confidence intervals between models).
 */
import { assertKnownKeys, optionalBoolean, optionalNumber } from '@dtrn/base';
import type { MultiTaskModel } from '@dtrn/core';
import { type Batch, batches, type InMemoryDataset } from '@dtrn/data';
import { MultiTaskAccumulator, type MultiTaskReport } from '@dtrn/metrics';
import * as tf from '@tensorflow/tfjs-core';
import { isTrainingBatches, type TrainingBatches } from './batching.js';
import { checkSplit } from './check-split.js';

export interface EvaluateOptions {
  /** Samples per forward pass. Default 4096; range: integer >= 1. */
  readonly batchSize?: number;
  /** Also return every probability, per task, in data order. Default false. */
  readonly returnPredictions?: boolean;
}

export const DEFAULT_EVALUATE = Object.freeze({ batchSize: 4096, returnPredictions: false });

export interface EvaluationResult {
  readonly report: MultiTaskReport;
  /** Rows evaluated. */
  readonly sampleCount: number;
  /**
   * Per task, the predicted probability of every row in data order (also rows outside the task's
   * sample space: select them with the data's masks). Only with `returnPredictions`.
   */
  readonly predictions?: readonly Float32Array[];
}

/** Evaluation data: a dataset (read in row order), training batches (epoch 0), or any iterable of batches. */
export type EvaluationData = InMemoryDataset | TrainingBatches | Iterable<Batch>;

function batchesOf(data: EvaluationData, batchSize: number): Iterable<Batch> {
  if (isTrainingBatches(data)) return data.epoch(0, 0);
  if (Symbol.iterator in data) return data as Iterable<Batch>;
  return batches(data as InMemoryDataset, { batchSize }); // zero-copy views in row order
}

/** Probabilities sigmoid(logit_k) of one batch, per task. */
export function predictBatch(model: MultiTaskModel<Batch>, batch: Batch): Float32Array[] {
  const prepared = model.prepare(batch, { training: false });
  try {
    return tf.tidy(
      () =>
        model
          .forward(prepared, { training: false })
          .map((logits) => tf.sigmoid(logits).dataSync().slice() as Float32Array), // [B]
    );
  } finally {
    prepared.dispose();
  }
}

/**
 * Evaluates `model` on `data`. A dataset is validated first (`checkSplit`: every value, at least
 * one row; a task with one class gets a null AUC, see `aucUndefinedReason` of `@dtrn/metrics`);
 * batch sources are the caller's to check.
 */
export function evaluate(
  model: MultiTaskModel<Batch>,
  data: EvaluationData,
  options: EvaluateOptions = {},
): EvaluationResult {
  assertKnownKeys(options, ['batchSize', 'returnPredictions'], 'EvaluateOptions');
  const batchSize = optionalNumber(
    options.batchSize,
    DEFAULT_EVALUATE.batchSize,
    { integer: true, min: 1 },
    'EvaluateOptions.batchSize',
  );
  const keep = optionalBoolean(options.returnPredictions, false, 'EvaluateOptions.returnPredictions');
  if (!isTrainingBatches(data) && !(Symbol.iterator in data)) checkSplit(data, { name: 'evaluate data' });
  return evaluateUnchecked(model, data, batchSize, keep);
}

/** `evaluate` without option parsing or data checks (the epoch loop's validation: checked once by `fit`). */
export function evaluateUnchecked(
  model: MultiTaskModel<Batch>,
  data: EvaluationData,
  batchSize: number,
  keep: boolean,
): EvaluationResult {
  const accumulator = new MultiTaskAccumulator(model.taskNames);
  const kept: Float32Array[][] = model.taskNames.map(() => []);
  let sampleCount = 0;
  for (const batch of batchesOf(data, batchSize)) {
    const probabilities = predictBatch(model, batch);
    accumulator.add({
      labels: batch.labels,
      probs: probabilities,
      masks: batch.sampleMasks,
      ...(batch.groups ? { groups: batch.groups } : {}),
    });
    if (keep) {
      probabilities.forEach((values, task) => {
        kept[task]!.push(values);
      });
    }
    sampleCount += batch.size;
  }
  const report = accumulator.report();
  if (!keep) return { report, sampleCount };
  const predictions = kept.map((parts) => {
    const all = new Float32Array(sampleCount);
    let offset = 0;
    for (const part of parts) {
      all.set(part, offset);
      offset += part.length;
    }
    return all;
  });
  return { report, sampleCount, predictions };
}
