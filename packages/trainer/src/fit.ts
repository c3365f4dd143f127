/**
 * `fit`: the training loop around any MultiTaskModel. Per step: masked per-task BCE, loss
 * balancing, dense Adam and sparse row updates (by the model). Per epoch: validation, early
 * stopping, history, checkpoint. Checkpoints every N steps, on abort and on `maxSteps`; `resume`
 * continues bit-for-bit (data order is a pure function of (seed, epoch), step randomness of
 * (seed, step)). The epoch machinery is shared with `fitParallel` (epoch-loop.ts).
 */
import type { MultiTaskModel } from '@dtrn/core';
import type { Batch, InMemoryDataset } from '@dtrn/data';
import { createBalancer } from './balancers/create-balancer.js';
import type { TrainingBatches } from './batching.js';
import { DenseAdam } from './dense-adam.js';
import { resolveEarlyStopping } from './early-stopping.js';
import { runEpochLoop, type StepRunner } from './epoch-loop.js';
import { type EvaluationData, evaluateUnchecked } from './evaluate.js';
import type { FitResult } from './events.js';
import { checkFitData, checkTasks, checkValidationData, trainingSource } from './fit-inputs.js';
import { type FitOptions, resolveFitOptions } from './fit-options.js';
import { trainStep } from './train-step.js';
import { TrainingVariables } from './training-variables.js';

export { stepSeed } from './epoch-loop.js';

/**
 * Trains `model` on `trainData`, validating on `validationData` after each epoch (null: no
 * validation, no early stopping). Never pass the test split as validation data: early stopping
 * selects on it.
 */
export async function fit(
  model: MultiTaskModel<Batch>,
  trainData: InMemoryDataset | TrainingBatches,
  validationData: EvaluationData | null | undefined,
  options: FitOptions = {},
): Promise<FitResult> {
  const settings = resolveFitOptions(options);
  const taskNames = model.taskNames;
  checkValidationData('fit', trainData, validationData, options.earlyStopping);
  checkTasks(taskNames, trainData, 'fit trainData');
  if (validationData) checkTasks(taskNames, validationData, 'fit validationData');
  const early = resolveEarlyStopping(validationData ? options.earlyStopping : false, taskNames);
  checkFitData('fit', trainData, validationData, early);
  const source = trainingSource(trainData, settings);

  const variables = new TrainingVariables(model);
  const balancer = createBalancer(options.balancing, taskNames);
  const optimizer = new DenseAdam([...variables.dense, ...balancer.variables], settings.optimizer);
  const context = { model, balancer, variables, optimizer };
  const runner: StepRunner = {
    step: (batch, location, seed) => trainStep(context, batch, location, seed),
    evaluate: (data, batchSize) => evaluateUnchecked(model, data, batchSize, false).report,
    getState: () => ({ model: model.getState(), optimizer: optimizer.getState() }),
    setState: (state) => {
      model.setState(state.model);
      optimizer.setState(state.optimizer);
    },
  };
  try {
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
    if (bestModel) model.setState(bestModel);
    return result;
  } finally {
    optimizer.dispose();
    balancer.dispose();
  }
}
