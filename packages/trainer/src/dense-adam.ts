/**
 * Adam for the dense variables (Kingma & Ba 2015), the same update as `tf.train.adam`:
 *
 *   m <- b1 m + (1 - b1) g;   v <- b2 v + (1 - b2) g^2;
 *   w <- w - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 *
 * OUR CHOICE over `tf.train.adam`: the bias corrections are computed in float64 from the step count
 * t, and the moments are kept by position (not by variable name). `tf.train.adam` accumulates
 * b1^t in a float32 variable and, on `setWeights`, recomputes it with `pow`, so a resumed run
 * drifts from an uninterrupted one by rounding; it also looks variables up by their global name,
 * which a fresh model loaded for resume does not share. Here a state restored with `setState`
 * continues bit-for-bit.
 */
import { ConfigError, ShapeError } from '@dtrn/base';
import * as tf from '@tensorflow/tfjs-core';

/** Adam hyper-parameters. */
export interface AdamArgs {
  /** Step size. Default 1e-3; range > 0. */
  readonly learningRate?: number;
  /** First-moment decay. Default 0.9; range [0, 1). */
  readonly beta1?: number;
  /** Second-moment decay. Default 0.999; range [0, 1). */
  readonly beta2?: number;
  /** Added to the denominator. Default 1e-7 (as tfjs and Keras); range > 0. */
  readonly epsilon?: number;
}

export type ResolvedAdamArgs = Required<AdamArgs>;

export const DEFAULT_ADAM: ResolvedAdamArgs = Object.freeze({
  learningRate: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-7,
});

/** Serialisable optimizer state: step count and both moments per variable, in variable order. */
export interface DenseAdamState {
  readonly step: number;
  readonly firstMoments: readonly Float32Array[];
  readonly secondMoments: readonly Float32Array[];
  readonly shapes: readonly (readonly number[])[];
}

export class DenseAdam {
  private readonly firstMoments: tf.Variable[];
  private readonly secondMoments: tf.Variable[];
  private stepCount = 0;

  constructor(
    private readonly variables: readonly tf.Variable[],
    readonly args: ResolvedAdamArgs,
  ) {
    // Variables are not tracked by tidy; the zerosLike temporaries are.
    const zeros = () =>
      variables.map((variable) => tf.tidy(() => tf.variable(tf.zerosLike(variable), false)));
    this.firstMoments = zeros();
    this.secondMoments = zeros();
  }

  /** Steps taken so far. */
  get step(): number {
    return this.stepCount;
  }

  /** One update; `gradients[i]` belongs to `variables[i]` (null: that variable is left alone). */
  apply(gradients: readonly (tf.Tensor | null)[]): void {
    if (gradients.length !== this.variables.length) {
      throw new ShapeError('DenseAdam.apply: one gradient per variable expected', {
        expected: `${this.variables.length}`,
        found: gradients.length,
      });
    }
    this.stepCount += 1;
    const { learningRate, beta1, beta2, epsilon } = this.args;
    const correction1 = 1 - beta1 ** this.stepCount;
    const correction2 = 1 - beta2 ** this.stepCount;
    tf.tidy(() => {
      gradients.forEach((gradient, index) => {
        if (!gradient) return;
        const variable = this.variables[index]!;
        const m = this.firstMoments[index]!;
        const v = this.secondMoments[index]!;
        const nextM = tf.add(tf.mul(m, beta1), tf.mul(gradient, 1 - beta1)); // [...shape]
        const nextV = tf.add(tf.mul(v, beta2), tf.mul(tf.square(gradient), 1 - beta2)); // [...shape]
        m.assign(nextM);
        v.assign(nextV);
        const update = tf.div(
          tf.div(nextM, correction1),
          tf.add(tf.sqrt(tf.div(nextV, correction2)), epsilon),
        ); // [...shape]
        variable.assign(tf.sub(variable, tf.mul(update, learningRate)));
      });
    });
  }

  getState(): DenseAdamState {
    return {
      step: this.stepCount,
      firstMoments: this.firstMoments.map((m) => m.dataSync().slice() as Float32Array),
      secondMoments: this.secondMoments.map((v) => v.dataSync().slice() as Float32Array),
      shapes: this.variables.map((variable) => [...variable.shape]),
    };
  }

  setState(state: DenseAdamState): void {
    const count = this.variables.length;
    if (state.firstMoments.length !== count || state.secondMoments.length !== count) {
      throw new ShapeError('optimizer state does not match the model', {
        expected: `${count} dense variables`,
        found: `${state.firstMoments.length} first and ${state.secondMoments.length} second moments`,
      });
    }
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new ConfigError('optimizer state step is invalid', {
        expected: 'an integer >= 0',
        found: state.step,
      });
    }
    this.variables.forEach((variable, index) => {
      const size = variable.size;
      for (const [kind, values] of [
        ['first', state.firstMoments[index]!],
        ['second', state.secondMoments[index]!],
      ] as const) {
        if (values.length !== size) {
          throw new ShapeError(`optimizer ${kind} moment ${index} does not match its variable`, {
            expected: `${size} values (shape [${variable.shape.join(', ')}])`,
            found: values.length,
          });
        }
      }
    });
    this.variables.forEach((variable, index) => {
      tf.tidy(() => {
        this.firstMoments[index]!.assign(tf.tensor(state.firstMoments[index]!, variable.shape));
        this.secondMoments[index]!.assign(tf.tensor(state.secondMoments[index]!, variable.shape));
      });
    });
    this.stepCount = state.step;
  }

  dispose(): void {
    tf.dispose([...this.firstMoments, ...this.secondMoments]);
  }
}
