/** The part of the balancers whose task weights are fixed by their options (nothing learned). */
import type * as tf from '@tensorflow/tfjs-core';
import type { JsonValue } from './balancer.js';

export abstract class FixedWeightsBalancer {
  abstract readonly method: string;
  readonly variables: readonly tf.Variable[] = [];
  protected readonly weights: readonly number[];

  constructor(weights: readonly number[]) {
    this.weights = Object.freeze([...weights]);
  }

  taskWeights(): number[] {
    return [...this.weights];
  }

  /** sum_k w_k L_k */
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
