/** Input checks shared by the heads, and running one module over several task inputs at once. */
import { ShapeError } from '@dtrn/base';
import { checkShape, type ShapeBindings } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { MtlHeadBaseArgs, MtlHeadInputs } from './contract.js';

/** Throws a ShapeError unless there are K task inputs and every input is [B, inputDim] with one B. */
export function checkHeadInputs(inputs: MtlHeadInputs, args: MtlHeadBaseArgs, where: string): void {
  if (!inputs || !Array.isArray(inputs.taskInputs)) {
    throw new ShapeError(`${where}: inputs.taskInputs must be an array of tensors`, {
      expected: `${args.numTasks} tensors [B, ${args.inputDim}]`,
      found: inputs?.taskInputs,
    });
  }
  if (inputs.taskInputs.length !== args.numTasks) {
    throw new ShapeError(`${where}: wrong number of task inputs`, {
      expected: `${args.numTasks} (numTasks)`,
      found: inputs.taskInputs.length,
    });
  }
  if (!(inputs.sharedInput instanceof tf.Tensor)) {
    throw new ShapeError(`${where}: inputs.sharedInput must be a tensor`, {
      expected: `a tensor [B, ${args.inputDim}]`,
      found: inputs.sharedInput,
    });
  }
  const bindings: ShapeBindings = new Map();
  inputs.taskInputs.forEach((x, task) => {
    checkShape(x.shape, ['B', args.inputDim], `${where} taskInputs[${task}]`, bindings);
  });
  checkShape(inputs.sharedInput.shape, ['B', args.inputDim], `${where} sharedInput`, bindings);
}

/**
 * Applies `module` to every task input and returns one result per task. Task inputs that are the
 * same tensor (baselines pass one tensor K times) are computed once; distinct inputs are stacked
 * along the batch axis and run as one batch (one large product instead of K small ones).
 */
export function applyPerTaskInput(
  taskInputs: readonly tf.Tensor[],
  module: (x: tf.Tensor) => tf.Tensor,
): tf.Tensor[] {
  return tf.tidy(() => {
    const distinct: tf.Tensor[] = [];
    const slot = taskInputs.map((x) => {
      const index = distinct.indexOf(x);
      if (index >= 0) return index;
      distinct.push(x);
      return distinct.length - 1;
    });
    if (distinct.length === 1) {
      const output = module(distinct[0]!);
      return taskInputs.map(() => output);
    }
    const batch = distinct[0]!.shape[0]!;
    const stacked = tf.concat(distinct, 0); // [U*B, D]
    const output = module(stacked); // [U*B, ...]
    const parts = tf.split(
      output,
      distinct.map(() => batch),
      0,
    ); // U x [B, ...]
    return slot.map((index) => parts[index]!);
  });
}
