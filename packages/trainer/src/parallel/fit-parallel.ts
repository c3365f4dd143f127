/**
 * `fitParallel`: `fit` over several worker threads (Node only). Each worker builds the same model
 * from a ModelSpec, selects its own tfjs backend, and takes an equal share of every batch; the
 * gradients are summed so every step is the one-thread step up to float summation order (see
 * parallel-engine.ts). Epochs, validation, early stopping, checkpoints (the same format as
 * `fit`'s, so either can resume the other's), `maxSteps`, `signal` and progress events are
 * `fit`'s own epoch loop (epoch-loop.ts). The trained state comes back as `modelState` (load it
 * with `model.setState`). With `sharedEmbeddings` (the default where possible) the workers update
 * one set of embedding rows on shared memory, each touched row once per step.
 */
import type { ModelState } from '@dtrn/core';
import type { InMemoryDataset } from '@dtrn/data';
import type { LossBalancer } from '../balancers/balancer.js';
import { createBalancer } from '../balancers/create-balancer.js';
import type { TrainingBatches } from '../batching.js';
import { resolveEarlyStopping } from '../early-stopping.js';
import { runEpochLoop, type StepRunner } from '../epoch-loop.js';
import type { EvaluationData } from '../evaluate.js';
import type { FitResult } from '../events.js';
import { checkFitData, checkTasks, checkValidationData, trainingSource } from '../fit-inputs.js';
import { type ModelSpec, resolveModelSpec } from './model-spec.js';
import { ParallelEngine } from './parallel-engine.js';
import { type ParallelFitOptions, resolveParallelOptions } from './parallel-options.js';
import { WorkerPool } from './worker-pool.js';

export interface ParallelFitResult extends FitResult {
  /** The trained model's state (the best epoch's when best weights were restored). */
  readonly modelState: ModelState;
  /** Worker threads used. */
  readonly workers: number;
  /** True when the workers shared one set of embedding rows (see `sharedEmbeddings`). */
  readonly sharedEmbeddings: boolean;
  /**
   * Tensors alive in each worker after its first and its last training step (equal when nothing
   * leaks; null when no step ran).
   */
  readonly workerTensors: { readonly first: readonly number[]; readonly last: readonly number[] } | null;
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
  checkValidationData('fitParallel', trainData, validationData, options.earlyStopping);
  const pool = WorkerPool.start(settings.workers);
  let balancer: LossBalancer | null = null;
  try {
    const engine = await ParallelEngine.start(
      pool,
      {
        spec: resolvedSpec,
        backend: settings.backend,
        optimizer: settings.optimizer,
        balancing: settings.balancing,
      },
      settings.sharedEmbeddings,
    );
    engine.onStepTiming = settings.onStepTiming ?? null;
    const taskNames = engine.taskNames;
    // The coordinator's copy only reports task weights and objectives (static: no variables).
    balancer = createBalancer(settings.balancing, taskNames);
    checkTasks(taskNames, trainData, 'fitParallel trainData');
    if (validationData) checkTasks(taskNames, validationData, 'fitParallel validationData');
    const early = resolveEarlyStopping(validationData ? options.earlyStopping : false, taskNames);
    checkFitData('fitParallel', trainData, validationData, early);
    const source = trainingSource(trainData, settings);
    const coordinatorBalancer = balancer;
    const runner: StepRunner = {
      step: async (batch, location, seed) => {
        const taskLosses = await engine.step(batch, location, seed);
        return { taskLosses, objective: coordinatorBalancer.objective(taskLosses) };
      },
      evaluate: (data, batchSize) => engine.evaluate(data, batchSize),
      getState: () => engine.getState(),
      setState: (state) => engine.setState(state.model, state.optimizer),
    };
    const { bestModel, ...result } = await runEpochLoop({
      runner,
      taskNames,
      balancer,
      source,
      validationData: validationData ?? null,
      settings,
      options,
      early,
    });
    // Without restored best weights, the workers hold the trained state.
    const modelState = bestModel ?? (await engine.getState()).model;
    const { first, latest } = engine.tensorCounts;
    return {
      ...result,
      modelState,
      workers: settings.workers,
      sharedEmbeddings: engine.sharedEmbeddings,
      workerTensors: first && latest ? { first, last: latest } : null,
    };
  } finally {
    balancer?.dispose();
    await pool.close();
  }
}
