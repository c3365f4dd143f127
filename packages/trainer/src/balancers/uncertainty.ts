/**
 * Uncertainty weighting (Kendall, Gal & Cipolla, CVPR 2018): one learnable s_k = log sigma_k^2 per
 * task, trained with the network by the dense optimizer:
 *
 *   L = sum_k exp(-s_k) * L_k + s_k
 *
 * For a classification likelihood the paper's derivation gives exp(-s_k) L_k + s_k / 2; we use the
 * form above (as most multi-task libraries do): its optimum is s_k = log L_k, so the effective
 * weight exp(-s_k) tends to 1 / L_k. OUR CHOICE, documented in the README.
 */
import { ConfigError } from '@dtrn/base';
import * as tf from '@tensorflow/tfjs-core';
import type { GradientCombination, JsonValue, LossBalancer } from './balancer.js';

export class UncertaintyBalancer implements LossBalancer {
  readonly method = 'uncertainty';
  readonly gradientMode = 'combined' as const;
  readonly variables: readonly tf.Variable[];

  constructor(taskCount: number, initialLogVariance: number) {
    this.variables = Array.from({ length: taskCount }, () =>
      tf.tidy(() => tf.variable(tf.scalar(initialLogVariance), true)),
    );
  }

  combineLosses(taskLosses: readonly tf.Scalar[]): tf.Scalar {
    return tf.tidy(
      () =>
        taskLosses
          .map((loss, task) => {
            const logVariance = this.variables[task]!; // []
            return tf.add(tf.mul(tf.exp(tf.neg(logVariance)), loss), logVariance); // []
          })
          .reduce((a, b) => tf.add(a, b)) as tf.Scalar, // tf.add: AddN's gradient is unusable here
    );
  }

  combineGradients(_combination: GradientCombination): (tf.Tensor | null)[] {
    throw new ConfigError('the uncertainty balancer combines losses, not gradients');
  }

  /** Current log-variances s_k. */
  logVariances(): number[] {
    return this.variables.map((variable) => variable.dataSync()[0]!);
  }

  taskWeights(): number[] {
    return this.logVariances().map((s) => Math.exp(-s));
  }

  objective(taskLosses: readonly number[]): number {
    const s = this.logVariances();
    return taskLosses.reduce((sum, loss, task) => sum + Math.exp(-s[task]!) * loss + s[task]!, 0);
  }

  getState(): JsonValue {
    return { method: this.method, logVariances: this.logVariances() };
  }

  setState(state: JsonValue): void {
    const values = (state as { logVariances?: unknown } | null)?.logVariances;
    if (!Array.isArray(values) || values.length !== this.variables.length) {
      throw new ConfigError('uncertainty balancer state does not match the tasks', {
        expected: `${this.variables.length} log-variances`,
        found: values,
      });
    }
    this.variables.forEach((variable, task) => {
      tf.tidy(() => variable.assign(tf.scalar(values[task] as number)));
    });
  }

  dispose(): void {
    tf.dispose([...this.variables]);
  }
}
