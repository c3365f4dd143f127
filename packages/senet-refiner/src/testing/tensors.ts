/** Helpers shared by this package's tests (not exported from the package). */
import * as tf from '@tensorflow/tfjs-core';

/** A seeded uniform tensor in [-1, 1). */
export function seededTensor(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

/** Nested JS arrays of a tensor's values, for plain-number reference computations. */
export function values3d(t: tf.Tensor): number[][][] {
  return t.arraySync() as number[][][];
}

export function values2d(t: tf.Tensor): number[][] {
  return t.arraySync() as number[][];
}

/** Largest absolute difference between two tensors of the same shape. */
export function maxDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

/** Largest absolute difference between a tensor and nested JS numbers. */
export function maxDifferenceFromArray(a: tf.Tensor, expected: number[] | number[][]): number {
  const flat = (expected as unknown[]).flat(2) as number[];
  const actual = a.dataSync();
  if (actual.length !== flat.length) throw new Error(`size ${actual.length} vs ${flat.length}`);
  let max = 0;
  for (let i = 0; i < flat.length; i++) max = Math.max(max, Math.abs(actual[i]! - flat[i]!));
  return max;
}
