/**
 * GradNorm (Chen, Badrinarayanan, Lee & Rabinovich, ICML 2018). Task weights w_k (start at 1, sum
 * kept at K) are tuned so that the weighted tasks' gradient norms on shared parameters W follow
 * their relative training rates:
 *
 *   G_k = || d(w_k L_k) / dW ||,  G_avg = mean_k G_k,
 *   r_k = (L_k / L_k(0)) / mean_j (L_j / L_j(0)),
 *   L_grad = sum_k | G_k - G_avg * r_k^alpha |          (the target G_avg r_k^alpha held constant)
 *
 * The network gets sum_k w_k dL_k/dx with the step's current weights; then w moves one Adam step
 * on dL_grad/dw_k = sign(G_k - target_k) * ||dL_k/dW||, is floored at `minWeight` and renormalised
 * to sum K. L_k(0) are the losses of the first step.
 *
 * OUR CHOICES: W is every dense variable in `variableGroups.shared` (the per-task gradients are
 * computed in full anyway, so the norm over all shared weights costs nothing extra; the paper uses
 * the last shared layer to save backward passes); a model without shared dense variables uses its
 * embedding inputs. The weights have their own Adam (the paper trains them with the network's
 * optimizer).
 */
import { ConfigError } from '@dtrn/base';
import * as tf from '@tensorflow/tfjs-core';
import type { GradientCombination, JsonValue, LossBalancer } from './balancer.js';
import { weightedGradientSum } from './weighted-sum.js';

export interface GradNormSettings {
  readonly alpha: number;
  readonly learningRate: number;
  readonly minWeight: number;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

export class GradNormBalancer implements LossBalancer {
  readonly method = 'gradnorm';
  readonly gradientMode = 'perTask' as const;
  readonly variables: readonly tf.Variable[] = [];
  private weights: number[];
  private initialLosses: number[] | null = null;
  private firstMoment: number[];
  private secondMoment: number[];
  private steps = 0;
  /** Gradient norms ||dL_k/dW|| of the last step (for inspection and tests). */
  lastGradientNorms: number[] = [];

  constructor(
    private readonly taskCount: number,
    readonly settings: GradNormSettings,
  ) {
    this.weights = new Array<number>(taskCount).fill(1);
    this.firstMoment = new Array<number>(taskCount).fill(0);
    this.secondMoment = new Array<number>(taskCount).fill(0);
  }

  combineLosses(_taskLosses: readonly tf.Scalar[]): tf.Scalar {
    throw new ConfigError('the gradnorm balancer combines gradients, not losses');
  }

  combineGradients(combination: GradientCombination): (tf.Tensor | null)[] {
    const { taskGradients, taskLosses, inputs } = combination;
    const normInputs =
      combination.sharedDenseInputs.length > 0 ? combination.sharedDenseInputs : combination.sharedInputs;
    const norms = this.gradientNorms(taskGradients, normInputs);
    const combined = inputs.map((_, input) => weightedGradientSum(taskGradients, input, this.weights));
    this.updateWeights(norms, taskLosses);
    return combined;
  }

  private gradientNorms(taskGradients: GradientCombination['taskGradients'], normInputs: readonly number[]) {
    const squared = tf.tidy(() =>
      tf.stack(
        taskGradients.map((gradients) => {
          const parts = normInputs
            .map((input) => gradients[input])
            .filter((gradient): gradient is tf.Tensor => gradient !== null && gradient !== undefined)
            .map((gradient) => tf.sum(tf.square(gradient))); // []
          return parts.length > 0 ? tf.addN(parts) : tf.scalar(0);
        }),
      ),
    ); // [K]
    const values = Array.from(squared.dataSync(), (value) => Math.sqrt(value));
    squared.dispose();
    return values;
  }

  /** One GradNorm update of the weights from this step's gradient norms and losses. */
  updateWeights(norms: readonly number[], taskLosses: readonly number[]): void {
    const k = this.taskCount;
    this.lastGradientNorms = [...norms];
    if (!this.initialLosses) this.initialLosses = taskLosses.map((loss) => Math.max(loss, 1e-12));
    const weighted = norms.map((norm, task) => this.weights[task]! * norm);
    const meanNorm = weighted.reduce((a, b) => a + b, 0) / k;
    const ratios = taskLosses.map((loss, task) => loss / this.initialLosses![task]!);
    const meanRatio = ratios.reduce((a, b) => a + b, 0) / k;
    this.steps += 1;
    const correction1 = 1 - BETA1 ** this.steps;
    const correction2 = 1 - BETA2 ** this.steps;
    for (let task = 0; task < k; task++) {
      const relativeRate = meanRatio > 0 ? ratios[task]! / meanRatio : 1;
      const target = meanNorm * relativeRate ** this.settings.alpha;
      const gradient = Math.sign(weighted[task]! - target) * norms[task]!;
      const m = BETA1 * this.firstMoment[task]! + (1 - BETA1) * gradient;
      const v = BETA2 * this.secondMoment[task]! + (1 - BETA2) * gradient * gradient;
      this.firstMoment[task] = m;
      this.secondMoment[task] = v;
      const step = (this.settings.learningRate * (m / correction1)) / (Math.sqrt(v / correction2) + EPSILON);
      this.weights[task] = Math.max(this.settings.minWeight, this.weights[task]! - step);
    }
    const total = this.weights.reduce((a, b) => a + b, 0);
    this.weights = this.weights.map((weight) => (weight * k) / total);
  }

  taskWeights(): number[] {
    return [...this.weights];
  }

  objective(taskLosses: readonly number[]): number {
    return taskLosses.reduce((sum, loss, task) => sum + this.weights[task]! * loss, 0);
  }

  getState(): JsonValue {
    return {
      method: this.method,
      weights: [...this.weights],
      initialLosses: this.initialLosses ? [...this.initialLosses] : null,
      firstMoment: [...this.firstMoment],
      secondMoment: [...this.secondMoment],
      steps: this.steps,
    };
  }

  setState(state: JsonValue): void {
    const s = state as Record<string, JsonValue> | null;
    const numbers = (value: JsonValue | undefined, name: string): number[] => {
      if (
        !Array.isArray(value) ||
        value.length !== this.taskCount ||
        value.some((v) => typeof v !== 'number')
      ) {
        throw new ConfigError(`gradnorm balancer state: ${name} does not match the tasks`, {
          expected: `${this.taskCount} numbers`,
          found: value,
        });
      }
      return [...(value as number[])];
    };
    this.weights = numbers(s?.weights, 'weights');
    this.initialLosses = s?.initialLosses === null ? null : numbers(s?.initialLosses, 'initialLosses');
    this.firstMoment = numbers(s?.firstMoment, 'firstMoment');
    this.secondMoment = numbers(s?.secondMoment, 'secondMoment');
    this.steps = typeof s?.steps === 'number' ? s.steps : 0;
  }

  dispose(): void {}
}
