/**
 * Where and on what each task's training loss runs, for models whose loss is not BCE on their
 * prediction logits over each task's sample space (ESMM, AITM: `MultiTaskModel.forwardForLoss`
 * and `entireSpaceTasks`).
 */
import type { ForwardOptions, MultiTaskModel, PreparedBatch, TrainingOutputs } from '@dtrn/core';
import type { Batch } from '@dtrn/data';

/**
 * The batch as the losses see it: an entire-space task's label becomes "this task and its parent
 * positive" (label times sample mask) on every row, and its mask goes. Other tasks are unchanged;
 * without entire-space tasks the batch itself is returned.
 */
export function lossBatch<T extends Batch>(batch: T, entireSpaceTasks: readonly boolean[] | undefined): T {
  if (!entireSpaceTasks?.some((entire, task) => entire && batch.sampleMasks[task])) return batch;
  const labels = batch.labels.map((labels, task) => {
    const mask = batch.sampleMasks[task];
    if (!entireSpaceTasks[task] || !mask) return labels;
    return labels.map((label, row) => label * mask[row]!); // [B]
  });
  const sampleMasks = batch.sampleMasks.map((mask, task) => (entireSpaceTasks[task] ? undefined : mask));
  return { ...batch, labels, sampleMasks };
}

/** The model's training outputs: `forwardForLoss` if it has one, else its logits and no extra terms. */
export function lossOutputs(
  model: MultiTaskModel<Batch>,
  prepared: PreparedBatch,
  options: ForwardOptions,
): TrainingOutputs {
  if (model.forwardForLoss) return model.forwardForLoss(prepared, options);
  const logits = model.forward(prepared, options);
  return { logits, auxiliaryLosses: logits.map(() => null) };
}
