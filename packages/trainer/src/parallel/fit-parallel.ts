/**
 * `fitParallel`: `fit` over several worker threads (Node only). Each worker builds the same model
 * from a ModelSpec, selects its own tfjs backend, and takes an equal share of every batch; the
 * gradients are summed so every step is the one-thread step up to float summation order (see
 * parallel-engine.ts). Epochs, validation, early stopping, checkpoints (the same format as
 * `fit`'s, so either can resume the other's), `maxSteps`, `signal` and progress events behave as
 * in `fit`. The trained state comes back as `modelState` (load it with `model.setState`).
 */
import { ConfigError } from '@dtrn/base';
import type { ModelState } from '@dtrn/core';
import type { InMemoryDataset } from '@dtrn/datasets';
import type { LossBalancer } from '../balancers/balancer.js';
import { createBalancer } from '../balancers/create-balancer.js';
import { datasetBatches, isTrainingBatches, type TrainingBatches } from '../batching.js';
import { resolveEarlyStopping } from '../early-stopping.js';
import type { EvaluationData } from '../evaluate.js';
import type { FitResult } from '../events.js';
import { type ModelSpec, resolveModelSpec } from './model-spec.js';
import { ParallelEngine } from './parallel-engine.js';
import { trainingLoop } from './parallel-loop.js';
import { type ParallelFitOptions, resolveParallelOptions } from './parallel-options.js';
import { WorkerPool } from './worker-pool.js';

export interface ParallelFitResult extends FitResult {
  /** The trained model's state (the best epoch's when best weights were restored). */
  readonly modelState: ModelState;
  /** Worker threads used. */
  readonly workers: number;
  /**
   * Tensors alive in each worker after its first and its last training step (equal when nothing
   * leaks; null when no step ran).
   */
  readonly workerTensors: { readonly first: readonly number[]; readonly last: readonly number[] } | null;
}

function checkTasks(taskNames: readonly string[], data: unknown, where: string): void {
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
 * Trains the model `spec` builds on `trainData` with `options.workers` worker threads (default 2),
 * validating on `validationData` after each epoch (null: none). Never pass the test split as
 * validation data: early stopping selects on it.
 */
export async function fitParallel(
  spec: ModelSpec,
  trainData: InMemoryDataset | TrainingBatches,
  validationData: EvaluationData | null | undefined,
  options: ParallelFitOptions = {},
): Promise<ParallelFitResult> {
  const resolvedSpec = resolveModelSpec(spec, 'fitParallel: spec');
  const settings = resolveParallelOptions(options);
  if (validationData && validationData === (trainData as unknown)) {
    throw new ConfigError('fitParallel: validationData is the training data', {
      expected: 'a held-out validation split (never the test split)',
    });
  }
  if (options.earlyStopping && !validationData) {
    throw new ConfigError('FitOptions.earlyStopping needs validation data', {
      expected: 'validationData, or earlyStopping: false',
    });
  }
  const source = isTrainingBatches(trainData)
    ? trainData
    : datasetBatches(trainData, {
        batchSize: settings.batchSize,
        shuffle: settings.shuffle,
        seed: settings.seed,
      });
  const pool = WorkerPool.start(settings.workers);
  let balancer: LossBalancer | null = null;
  try {
    const engine = await ParallelEngine.start(pool, {
      spec: resolvedSpec,
      backend: settings.backend,
      optimizer: settings.optimizer,
      balancing: settings.balancing,
    });
    const taskNames = engine.taskNames;
    // The coordinator's copy only reports task weights and objectives (static: no variables).
    balancer = createBalancer(settings.balancing, taskNames);
    checkTasks(taskNames, trainData, 'fitParallel trainData');
    if (validationData) checkTasks(taskNames, validationData, 'fitParallel validationData');
    const early = resolveEarlyStopping(validationData ? options.earlyStopping : false, taskNames);
    const result = await trainingLoop({
      engine,
      balancer,
      source,
      validationData: validationData ?? null,
      settings,
      options,
      early,
    });
    const { first, latest } = engine.tensorCounts;
    return {
      ...result,
      workers: settings.workers,
      workerTensors: first && latest ? { first, last: latest } : null,
    };
  } finally {
    balancer?.dispose();
    await pool.close();
  }
}
