/** Sum_k w_k * g_k over the tasks that reach an input (null when none does). */
import * as tf from '@tensorflow/tfjs-core';

export function weightedGradientSum(
  taskGradients: readonly (readonly (tf.Tensor | null)[])[],
  input: number,
  weights: readonly number[],
): tf.Tensor | null {
  const reaching = taskGradients
    .map((gradients, task) => ({ gradient: gradients[input], weight: weights[task]! }))
    .filter((entry): entry is { gradient: tf.Tensor; weight: number } => Boolean(entry.gradient));
  if (reaching.length === 0) return null;
  return tf.tidy(() => tf.addN(reaching.map(({ gradient, weight }) => tf.mul(gradient, weight)))); // [...shape]
}
