/** Small tensor helpers for the tests (test-only). */
import * as tf from '@tensorflow/tfjs-core';
import type { MtlHeadInputs } from '../contract.js';

/** K distinct task inputs and a shared input, [B, D] each, from a seeded normal. */
export function randomInputs(numTasks: number, batch: number, inputDim: number, seed: number): MtlHeadInputs {
  return {
    taskInputs: Array.from({ length: numTasks }, (_, task) =>
      tf.randomNormal([batch, inputDim], 0, 1, 'float32', seed * 100 + task),
    ),
    sharedInput: tf.randomNormal([batch, inputDim], 0, 1, 'float32', seed * 100 + 99),
  };
}

/** Largest absolute element-wise difference of two tensors. */
export function maxDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}
