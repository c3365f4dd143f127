/**
 * One training step: prepare the batch, differentiate the balanced loss with respect to the
 * embedding inputs and the dense variables, check every task loss is finite, then hand the
 * embedding gradients to the model (sparse row updates) and the dense ones to the optimizer.
 */
import { type MultiTaskModel, type PreparedBatch, ShapeError } from '@dtrn/core';
import type { Batch } from '@dtrn/data';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no op gradients; tfjs-layers (a peer dependency) registers all of them
// on import, in its Node and browser builds (tfjs-core's dist/register_all_gradients cannot be
// imported from plain Node ESM). Kept as a bare import in this used module so bundles keep it.
import '@tensorflow/tfjs-layers';
import type { LossBalancer } from './balancers/balancer.js';
import type { DenseAdam } from './dense-adam.js';
import { NonFiniteLossError } from './errors.js';
import {
  createTaskTargets,
  disposeTargets,
  maskedTaskLoss,
  maskedTaskLosses,
  type TaskTarget,
} from './loss.js';
import { lossBatch, lossOutputs } from './loss-space.js';
import type { TrainingVariables } from './training-variables.js';

export interface StepContext {
  readonly model: MultiTaskModel<Batch>;
  readonly balancer: LossBalancer;
  readonly variables: TrainingVariables;
  /** Optimizer over `variables.dense` followed by `balancer.variables`. */
  readonly optimizer: DenseAdam;
}

/** Where the step is, for error messages. */
export interface StepLocation {
  readonly step: number;
  readonly epoch: number;
  readonly batchIndex: number;
}

export interface StepResult {
  /** L_k of the batch, per task. */
  readonly taskLosses: number[];
  /** The balanced objective. */
  readonly objective: number;
}

type Gradients = (tf.Tensor | null)[];

function checkFinite(model: MultiTaskModel<Batch>, losses: ArrayLike<number>, location: StepLocation): void {
  for (let task = 0; task < losses.length; task++) {
    const value = losses[task]!;
    if (!Number.isFinite(value)) {
      throw new NonFiniteLossError({ ...location, task: model.taskNames[task] ?? `#${task}`, value });
    }
  }
}

function combinedGradients(
  context: StepContext,
  prepared: PreparedBatch,
  targets: TaskTarget[],
  seed: number,
) {
  const { model, balancer, variables } = context;
  const options = { training: true, seed };
  let stacked: tf.Tensor | undefined;
  const { value, grads } = tf.engine().gradients(
    () => {
      const outputs = lossOutputs(model, prepared, options);
      const losses = maskedTaskLosses(outputs.logits, targets);
      stacked = tf.keep(tf.stack(losses)); // [K]
      const objective = balancer.combineLosses(losses);
      const extra = outputs.auxiliaryLosses.filter((term): term is tf.Scalar => term !== null);
      return extra.length === 0 ? objective : (tf.addN([objective, ...extra]) as tf.Scalar); // []
    },
    [...prepared.sparseInputs, ...variables.dense, ...balancer.variables],
    undefined,
    true,
  );
  const taskLosses = Array.from(stacked!.dataSync());
  const objective = value.dataSync()[0]!;
  tf.dispose([value, stacked!]);
  return { taskLosses, objective, gradients: grads.map((g) => g ?? null) as Gradients };
}

function perTaskGradients(
  context: StepContext,
  prepared: PreparedBatch,
  targets: TaskTarget[],
  seed: number,
) {
  const { model, variables } = context;
  const options = { training: true, seed };
  const inputs = [...prepared.sparseInputs, ...variables.dense];
  const taskGradients: Gradients[] = [];
  const taskLosses: number[] = [];
  try {
    for (let task = 0; task < model.taskNames.length; task++) {
      let bce: tf.Scalar | undefined; // L_k alone, reported without the task's auxiliary term
      const { value, grads } = tf.engine().gradients(
        () => {
          const outputs = lossOutputs(model, prepared, options);
          bce = tf.keep(maskedTaskLoss(outputs.logits[task]!, targets[task]!));
          const auxiliary = outputs.auxiliaryLosses[task];
          return auxiliary ? tf.add(bce, auxiliary) : tf.clone(bce); // []
        },
        inputs,
        undefined,
        true,
      );
      taskLosses.push(bce!.dataSync()[0]!);
      tf.dispose([value, bce!]);
      taskGradients.push(grads.map((g) => g ?? null));
    }
  } catch (error) {
    for (const gradients of taskGradients) tf.dispose(gradients.filter((g): g is tf.Tensor => g !== null));
    throw error;
  }
  return { inputs, taskLosses, taskGradients };
}

/** Runs one step; throws NonFiniteLossError (before any update) when a task loss is NaN or infinite. */
export function trainStep(
  context: StepContext,
  batch: Batch,
  location: StepLocation,
  seed: number,
): StepResult {
  const { model, balancer, variables, optimizer } = context;
  if (batch.labels.length !== model.taskNames.length) {
    throw new ShapeError(
      `batch ${location.batchIndex + 1} of epoch ${location.epoch + 1} has labels for the wrong number of tasks`,
      {
        expected: `${model.taskNames.length} (${model.taskNames.join(', ')})`,
        found: batch.labels.length,
      },
    );
  }
  const options = { training: true, seed };
  const prepared = model.prepare(batch, options);
  const lossView = lossBatch(batch, model.entireSpaceTasks); // entire-space tasks: all rows, label y_k m_k
  const targets = createTaskTargets(lossView.labels, lossView.sampleMasks, batch.size);
  const owned: tf.Tensor[] = [];
  const track = (gradients: Gradients) => {
    for (const g of gradients) if (g) owned.push(g);
    return gradients;
  };
  try {
    const sparseCount = prepared.sparseInputs.length;
    let gradients: Gradients;
    let result: StepResult;
    if (balancer.gradientMode === 'combined') {
      const step = combinedGradients(context, prepared, targets, seed);
      track(step.gradients);
      checkFinite(model, step.taskLosses, location);
      gradients = step.gradients;
      result = { taskLosses: step.taskLosses, objective: step.objective };
    } else {
      const step = perTaskGradients(context, prepared, targets, seed);
      for (const taskGradients of step.taskGradients) track(taskGradients);
      checkFinite(model, step.taskLosses, location);
      gradients = track(
        balancer.combineGradients({
          inputs: step.inputs,
          taskGradients: step.taskGradients,
          sharedInputs: variables.sharedInputIndices(sparseCount),
          sharedDenseInputs: variables.sharedDenseInputIndices(sparseCount),
          taskLosses: step.taskLosses,
          seed,
        }),
      );
      result = { taskLosses: step.taskLosses, objective: balancer.objective(step.taskLosses) };
    }
    const sparseGradients = prepared.sparseInputs.map(
      (input, index) => gradients[index] ?? owned[owned.push(tf.zerosLike(input)) - 1]!,
    );
    if (sparseCount > 0) prepared.applySparseGradients(sparseGradients);
    const denseCount = variables.dense.length + balancer.variables.length;
    optimizer.apply(Array.from({ length: denseCount }, (_, index) => gradients[sparseCount + index] ?? null));
    return result;
  } finally {
    tf.dispose(owned);
    disposeTargets(targets);
    prepared.dispose();
  }
}
