/** Equal weights (the default, L = sum_k L_k) and fixed weights (L = sum_k w_k L_k, as in PLE). */
import { ConfigError } from '@dtrn/base';
import * as tf from '@tensorflow/tfjs-core';
import type { GradientCombination, LossBalancer } from './balancer.js';
import { FixedWeightsBalancer } from './fixed-weights.js';

export class StaticWeightsBalancer extends FixedWeightsBalancer implements LossBalancer {
  readonly gradientMode = 'combined' as const;

  constructor(
    readonly method: 'equal' | 'fixed',
    weights: readonly number[],
  ) {
    super(weights);
  }

  combineLosses(taskLosses: readonly tf.Scalar[]): tf.Scalar {
    // tf.add, not tf.addN: AddN has no usable gradient in the tfjs builds we run on.
    return tf.tidy(
      () =>
        taskLosses
          .map((loss, task) => tf.mul(loss, this.weights[task]!))
          .reduce((a, b) => tf.add(a, b)) as tf.Scalar,
    );
  }

  combineGradients(_combination: GradientCombination): (tf.Tensor | null)[] {
    throw new ConfigError(`the ${this.method} balancer combines losses, not gradients`);
  }
}
