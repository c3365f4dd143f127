/** Input checks shared by the heads, and running one module over several task inputs at once. */
import { ShapeError } from '@dtrn/base';
import { checkShape, type DenseInput, denseInputShape, isFactoredRows, type ShapeBindings } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { MtlHeadBaseArgs, MtlHeadFactoredInputs } from './contract.js';

/** [rows, columns] of a tensor or FactoredRows (whatever the tensor's rank). */
function shapeOf(x: DenseInput): readonly number[] {
  return isFactoredRows(x) ? denseInputShape(x) : x.shape;
}

/** Throws a ShapeError unless there are K task inputs and every input is [B, inputDim] with one B. */
export function checkHeadInputs(inputs: MtlHeadFactoredInputs, args: MtlHeadBaseArgs, where: string): void {
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
  if (!(inputs.sharedInput instanceof tf.Tensor) && !isFactoredRows(inputs.sharedInput)) {
    throw new ShapeError(`${where}: inputs.sharedInput must be a tensor`, {
      expected: `a tensor [B, ${args.inputDim}]`,
      found: inputs.sharedInput,
    });
  }
  const bindings: ShapeBindings = new Map();
  inputs.taskInputs.forEach((x, task) => {
    checkShape(shapeOf(x), ['B', args.inputDim], `${where} taskInputs[${task}]`, bindings);
  });
  checkShape(shapeOf(inputs.sharedInput), ['B', args.inputDim], `${where} sharedInput`, bindings);
}

/**
 * Applies `module` to every task input and returns one result per task. Task inputs that are the
 * same tensor (baselines pass one tensor K times) are computed once. Distinct inputs run one by
 * one: stacking them into one batch and splitting the result was slower on wasm (its Slice
 * kernel costs about as much as the products saved).
 */
export function applyPerTaskInput<T extends tf.TensorContainer>(
  taskInputs: readonly DenseInput[],
  module: (x: DenseInput) => T,
): T[] {
  return tf.tidy(() => {
    const computed = new Map<DenseInput, T>();
    return taskInputs.map((x) => {
      let output = computed.get(x);
      if (output === undefined) {
        output = module(x);
        computed.set(x, output);
      }
      return output;
    });
  });
}
