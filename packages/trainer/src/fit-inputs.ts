/** Input checks and the batch source shared by `fit` and `fitParallel`. */
import { ConfigError } from '@dtrn/base';
import type { InMemoryDataset } from '@dtrn/data';
import { datasetBatches, isTrainingBatches, type TrainingBatches } from './batching.js';
import { checkSplit } from './check-split.js';
import type { ResolvedEarlyStopping } from './early-stopping.js';
import type { EvaluationData } from './evaluate.js';
import type { FitOptions, ResolvedFitOptions } from './fit-options.js';

/** Throws a ConfigError when `data` carries a schema whose tasks differ from `taskNames`. */
export function checkTasks(taskNames: readonly string[], data: unknown, where: string): void {
  const schema = (data as Partial<InMemoryDataset>).schema;
  if (!schema) return;
  const names = schema.tasks.map((task) => task.name);
  if (names.join('\u0000') !== taskNames.join('\u0000')) {
    throw new ConfigError(`${where}: the data's tasks differ from the model's`, {
      expected: `tasks ${JSON.stringify(taskNames)}`,
      found: JSON.stringify(names),
    });
  }
}

/**
 * Rejects validation data that is the training data itself, and early stopping without
 * validation data. `caller` names the function in the message (`fit`, `fitParallel`).
 */
export function checkValidationData(
  caller: string,
  trainData: unknown,
  validationData: EvaluationData | null | undefined,
  earlyStopping: FitOptions['earlyStopping'],
): void {
  if (validationData && validationData === trainData) {
    throw new ConfigError(`${caller}: validationData is the training data`, {
      expected: 'a held-out validation split (never the test split)',
    });
  }
  if (earlyStopping && !validationData) {
    throw new ConfigError('FitOptions.earlyStopping needs validation data', {
      expected: 'validationData, or earlyStopping: false',
    });
  }
}

function isDataset(data: unknown): data is InMemoryDataset {
  return !isTrainingBatches(data) && !(Symbol.iterator in (data as object));
}

/**
 * Validates the datasets given to `fit` before its first step (batch sources are the caller's to
 * check): every value (`validateDataset`), at least one row, both classes of every task in the
 * training data, and both classes of the tasks the early-stopping monitor reads in the validation
 * data (else it would select on an undefined or partial mean).
 */
export function checkFitData(
  caller: string,
  trainData: InMemoryDataset | TrainingBatches,
  validationData: EvaluationData | null | undefined,
  early: ResolvedEarlyStopping,
): void {
  if (isDataset(trainData)) checkSplit(trainData, { name: `${caller} trainData`, bothClasses: true });
  if (validationData && isDataset(validationData)) {
    checkSplit(validationData, {
      name: `${caller} validationData`,
      bothClasses: early.enabled ? early.monitor.tasksNeedingBothClasses : false,
    });
  }
}

/** The training batches: `trainData` itself, or a dataset batched (and shuffled) by the settings. */
export function trainingSource(
  trainData: InMemoryDataset | TrainingBatches,
  settings: ResolvedFitOptions,
): TrainingBatches {
  return isTrainingBatches(trainData)
    ? trainData
    : datasetBatches(trainData, {
        batchSize: settings.batchSize,
        shuffle: settings.shuffle,
        seed: settings.seed,
      });
}
