/**
 * Per-task binary cross-entropy with logits over each task's sample space (PLE's normalisation):
 *
 *   L_k = sum_i m_ik * bce(y_ik, z_ik) / max(1, sum_i m_ik),
 *   bce(y, z) = max(z, 0) - z * y + log(1 + exp(-|z|))      (stable form of -y log p - (1-y) log(1-p))
 *
 * with m_ik the task's sample-space mask (all ones when the batch has none). The gradient is the
 * exact sigmoid(z) - y (a custom gradient: the stable form's pieces have kinks at z = 0).
 */
import { ShapeError } from '@dtrn/base';
import * as tf from '@tensorflow/tfjs-core';

function bceWithLogitsAndGradient(logits: tf.Tensor, labels: tf.Tensor, save: tf.GradSaveFunc) {
  save([logits, labels]);
  const value = tf.add(
    tf.sub(tf.relu(logits), tf.mul(logits, labels)),
    tf.log1p(tf.exp(tf.neg(tf.abs(logits)))),
  ); // [B, 1]
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [savedLogits, savedLabels] = saved as [tf.Tensor, tf.Tensor];
      return [
        tf.mul(dy, tf.sub(tf.sigmoid(savedLogits), savedLabels)), // [B, 1]
        tf.zerosLike(savedLabels), // labels are constants
      ];
    },
  };
}

/** Element-wise BCE with logits, [B, 1] -> [B, 1]; gradient sigmoid(z) - y with respect to z. */
export const binaryCrossEntropyWithLogits = tf.customGrad(
  bceWithLogitsAndGradient as unknown as Parameters<typeof tf.customGrad>[0],
) as unknown as (logits: tf.Tensor, labels: tf.Tensor) => tf.Tensor;

/** Labels and sample space of one task for one batch, as tensors plus the sample count. */
export interface TaskTarget {
  /** [B, 1] labels in {0, 1}. */
  readonly labels: tf.Tensor2D;
  /** [B, 1] 0/1 mask, or null when every row belongs to the task. */
  readonly mask: tf.Tensor2D | null;
  /** Rows in the task's sample space (sum of the mask). */
  readonly count: number;
}

/** Builds per-task targets from typed arrays. Dispose them with `disposeTargets`. */
export function createTaskTargets(
  labels: readonly Float32Array[],
  masks: readonly (Float32Array | undefined)[],
  size: number,
): TaskTarget[] {
  return labels.map((taskLabels, task) => {
    if (taskLabels.length !== size) {
      throw new ShapeError(`labels of task ${task} have the wrong length`, {
        expected: `${size} (the batch size)`,
        found: taskLabels.length,
      });
    }
    const mask = masks[task];
    if (mask && mask.length !== size) {
      throw new ShapeError(`sample mask of task ${task} has the wrong length`, {
        expected: `${size} (the batch size)`,
        found: mask.length,
      });
    }
    let count = size;
    if (mask) {
      count = 0;
      for (let i = 0; i < size; i++) count += mask[i]!;
    }
    return {
      labels: tf.tensor2d(taskLabels, [size, 1]), // [B, 1]
      mask: mask ? tf.tensor2d(mask, [size, 1]) : null, // [B, 1]
      count,
    };
  });
}

export function disposeTargets(targets: readonly TaskTarget[]): void {
  for (const target of targets) {
    target.labels.dispose();
    target.mask?.dispose();
  }
}

/** L_k for one task: masked BCE with logits averaged over the task's sample space (0 if empty). */
export function maskedTaskLoss(logits: tf.Tensor, target: TaskTarget): tf.Scalar {
  return tf.tidy(() => {
    if (logits.shape.length !== 2 || logits.shape[1] !== 1 || logits.shape[0] !== target.labels.shape[0]) {
      throw new ShapeError('task logits have the wrong shape', {
        expected: `[${target.labels.shape[0]}, 1]`,
        found: `[${logits.shape.join(', ')}]`,
      });
    }
    let perSample = binaryCrossEntropyWithLogits(logits, target.labels); // [B, 1]
    if (target.mask) perSample = tf.mul(perSample, target.mask); // [B, 1]
    return tf.div(tf.sum(perSample), Math.max(1, target.count)) as tf.Scalar; // []
  });
}

/** Every task's L_k, in task order. */
export function maskedTaskLosses(logits: readonly tf.Tensor[], targets: readonly TaskTarget[]): tf.Scalar[] {
  if (logits.length !== targets.length) {
    throw new ShapeError('the model returned the wrong number of task logits', {
      expected: `${targets.length} (one per task)`,
      found: logits.length,
    });
  }
  return logits.map((taskLogits, task) => maskedTaskLoss(taskLogits, targets[task]!));
}
