/** Shared fixtures of the trainer's tests: a tiny model and train / validation splits. */
import type { ModelState } from '@dtrn/core';
import type { FitOptions } from '../fit-options.js';
import { tinyDataset } from './tiny-data.js';
import { type TinyModelArgs, TinyMultiTaskModel } from './tiny-model.js';

export const TASKS = ['click', 'conversion'] as const;

export function tinySetup(
  options: { trainSize?: number; validationSize?: number; model?: Partial<TinyModelArgs> } = {},
) {
  const train = tinyDataset({ size: options.trainSize ?? 96, seed: 1 });
  const validation = tinyDataset({ size: options.validationSize ?? 64, seed: 2 });
  const model = new TinyMultiTaskModel({
    taskNames: TASKS,
    vocabularySizes: [12, 16],
    seed: 3,
    ...options.model,
  });
  return { train, validation, model };
}

/** The options of the checkpoint-and-resume tests' runs (3 epochs of 6 batches, seed 7). */
export const RESUME_RUN = {
  epochs: 3,
  batchSize: 16,
  seed: 7,
  optimizer: { learningRate: 0.02 },
  earlyStopping: { patience: 5 },
} as const satisfies FitOptions;

/** Every number of a model state, flattened (for bit-equality checks). */
export function stateValues(state: ModelState): number[] {
  const sparse = (state.sparse as { tables: { values: Float32Array; accumulator: Float32Array }[] }).tables;
  return [
    ...Object.keys(state.dense)
      .sort()
      .flatMap((name) => Array.from(state.dense[name]!.values)),
    ...sparse.flatMap((table) => [...table.values, ...table.accumulator]),
  ];
}
