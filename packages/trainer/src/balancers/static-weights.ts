/** Equal weights (the default, L = sum_k L_k) and fixed weights (L = sum_k w_k L_k, as in PLE). */
import { ConfigError } from '@dtrn/base';
import * as tf from '@tensorflow/tfjs-core';
import type { GradientCombination, JsonValue, LossBalancer } from './balancer.js';

export class StaticWeightsBalancer implements LossBalancer {
  readonly gradientMode = 'combined' as const;
  readonly variables: readonly tf.Variable[] = [];
  private readonly weights: readonly number[];

  constructor(
    readonly method: 'equal' | 'fixed',
    weights: readonly number[],
  ) {
    this.weights = Object.freeze([...weights]);
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

  taskWeights(): number[] {
    return [...this.weights];
  }

  objective(taskLosses: readonly number[]): number {
    return taskLosses.reduce((sum, loss, task) => sum + this.weights[task]! * loss, 0);
  }

  getState(): JsonValue {
    return { method: this.method, weights: [...this.weights] };
  }

  setState(_state: JsonValue): void {
    // Nothing learned: the weights come from the options.
  }

  dispose(): void {}
}
