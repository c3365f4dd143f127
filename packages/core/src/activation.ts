/** Element-wise activations by name (used by dense layers, MLPs and the blocks' options). */

import { checkEnum } from '@dtrn/base';
import * as tf from '@tensorflow/tfjs-core';

export const ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh', 'gelu', 'elu'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export function checkActivation(value: unknown, where: string): ActivationName {
  return checkEnum(value, ACTIVATIONS, where);
}

/** Applies an activation; `linear` returns the input itself (no copy). */
export function applyActivation<T extends tf.Tensor>(x: T, activation: ActivationName): T {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    case 'elu':
      return tf.elu(x);
    case 'gelu': {
      // tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
      const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
      return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner))) as T;
    }
  }
}
