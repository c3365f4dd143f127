/**
 * Pieces of the heads for tasks along a funnel (impression -> click -> conversion): the `cascade`
 * argument, the stable logit of a product of probabilities, the entire-space task flags, and the
 * size family of heads made of one MLP per task.
 */
import { ConfigError } from '@dtrn/base';
import * as tf from '@tensorflow/tfjs-core';
import type { HeadFamily, HeadScale } from './head-family.js';

/**
 * Checks `cascade`: task indices in funnel order (first step first, e.g. `[click, conversion]`),
 * at least 2, distinct, each in [0, numTasks). Required: never guessed from task names.
 */
export function resolveCascade(value: unknown, numTasks: number, where: string): readonly number[] {
  const expected = `task indices in funnel order, at least 2, distinct, each an integer in [0, ${numTasks - 1}] (e.g. [0, 1] for click then conversion; @dtrn/model fills it from the dataset's sample spaces)`;
  if (value === undefined) {
    throw new ConfigError(`${where} is required`, { expected, found: value });
  }
  const valid =
    Array.isArray(value) &&
    value.length >= 2 &&
    value.every((task) => Number.isInteger(task) && task >= 0 && task < numTasks) &&
    new Set(value).size === value.length;
  if (!valid) throw new ConfigError(`${where} is invalid`, { expected, found: value });
  return Object.freeze([...(value as number[])]);
}

/** Per task: true for every cascade step after the first (their losses run on the entire space). */
export function cascadeEntireSpaceTasks(cascade: readonly number[], numTasks: number): boolean[] {
  return Array.from({ length: numTasks }, (_, task) => cascade.indexOf(task) > 0);
}

/**
 * The logit of sigmoid(a) * sigmoid(b), computed without forming the product: with
 * p = sigmoid(a) sigmoid(b), (1 - p) / p = e^-a + e^-b + e^-(a+b), so
 * logit(p) = -logSumExp(-a, -b, -a - b). Exact and finite for any finite a, b (no log of a
 * product of probabilities, no 1 - p cancellation). [B, 1] and [B, 1] -> [B, 1].
 */
export function productLogit(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const terms = tf.concat([tf.neg(a), tf.neg(b), tf.neg(tf.add(a, b))], 1); // [B, 3]
    return tf.neg(tf.logSumExp(terms, 1, true)); // [B, 1]
  });
}

/**
 * Heads made of one MLP per task (ESMM, AITM): at a scale, each task's tower is an expert's widths
 * followed by the tower widths [our choice: a task tower then holds one expert plus one MMoE tower,
 * the per-task path of the expert heads].
 */
export const TOWER_FAMILY: HeadFamily = Object.freeze({
  name: 'towers',
  sizesAt: (scale: HeadScale) => ({ towerUnits: [...scale.expertUnits, ...scale.towerUnits] }),
});
