/**
 * Adam for the dense variables (Kingma & Ba 2015), the same update as `tf.train.adam`:
 *
 *   m <- b1 m + (1 - b1) g;   v <- b2 v + (1 - b2) g^2;
 *   w <- w - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 *
 * OUR CHOICES over `tf.train.adam`:
 * - The update runs in plain typed-array code (float64 arithmetic, float32 storage, as the sparse
 *   rows' lazy Adam in @dtrn/core), over all variables flattened into one parameter vector. On
 *   wasm that is faster than about ten tfjs kernels per variable, it is the same on every backend,
 *   and a range of the vector can be updated on its own: `fitParallel` workers each update their
 *   share of the parameters (`applyRange`) and exchange the new weights.
 * - The bias corrections are computed in float64 from the step count t, and the moments are kept
 *   by position (not by variable name). `tf.train.adam` accumulates b1^t in a float32 variable and,
 *   on `setWeights`, recomputes it with `pow`, so a resumed run drifts from an uninterrupted one by
 *   rounding; it also looks variables up by their global name, which a fresh model loaded for
 *   resume does not share. Here a state restored with `setState` continues bit-for-bit.
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

/**
 * Where the moments live: two flat arrays over every variable's elements in variable order. On
 * SharedArrayBuffer several threads can hold one set of moments and update disjoint ranges.
 */
export interface DenseAdamMoments {
  readonly first: Float32Array;
  readonly second: Float32Array;
}

/** One Adam step on elements [start, end) of the flat vectors; `gradient[k - gradientStart]` belongs to k. */
function adamRange(
  args: ResolvedAdamArgs,
  step: number,
  moments: DenseAdamMoments,
  weights: Float32Array,
  gradient: Float32Array,
  gradientStart: number,
  start: number,
  end: number,
): void {
  const { learningRate, beta1, beta2, epsilon } = args;
  const correction1 = 1 - beta1 ** step;
  const correction2 = 1 - beta2 ** step;
  const oneMinusBeta1 = 1 - beta1;
  const oneMinusBeta2 = 1 - beta2;
  const { first, second } = moments;
  for (let k = start; k < end; k++) {
    const g = gradient[k - gradientStart]!;
    const m = beta1 * first[k]! + oneMinusBeta1 * g;
    const v = beta2 * second[k]! + oneMinusBeta2 * g * g;
    first[k] = m;
    second[k] = v;
    weights[k] = weights[k]! - (learningRate * (m / correction1)) / (Math.sqrt(v / correction2) + epsilon);
  }
}

export class DenseAdam {
  /** Element offset of each variable in the flat vectors (plus the total at the end). */
  readonly offsets: readonly number[];
  private moments: DenseAdamMoments;
  /** The flat weights as of this optimizer's last write (see `known`). */
  private readonly weights: Float32Array;
  /**
   * Per variable, the tensor data it held when this optimizer last wrote or read its weights: while
   * a variable still holds that data, the flat copy is current and need not be read back (every
   * `assign` gives a variable new data, so any other change is seen).
   */
  private readonly known: (object | null)[];
  /** Per variable, the flat array whose section held its weights at that point. */
  private readonly knownIn: (Float32Array | null)[];
  private stepCount = 0;

  /**
   * @param moments flat moment storage (for example on SharedArrayBuffer, shared by several
   *   workers); default: zero-filled arrays of this optimizer's own.
   */
  constructor(
    private readonly variables: readonly tf.Variable[],
    readonly args: ResolvedAdamArgs,
    moments?: DenseAdamMoments,
  ) {
    const offsets = [0];
    for (const variable of variables) offsets.push(offsets.at(-1)! + variable.size);
    this.offsets = offsets;
    const total = offsets.at(-1)!;
    if (moments && (moments.first.length !== total || moments.second.length !== total)) {
      throw new ShapeError('DenseAdam: moment storage does not fit the variables', {
        expected: `two arrays of ${total} elements`,
        found: `${moments.first.length} and ${moments.second.length}`,
      });
    }
    this.moments = moments ?? { first: new Float32Array(total), second: new Float32Array(total) };
    this.weights = new Float32Array(total);
    this.known = variables.map(() => null);
    this.knownIn = variables.map(() => null);
  }

  /**
   * Moves the moments to `moments` (e.g. arrays on SharedArrayBuffer that other threads' optimizers
   * use too): the current values are copied there, and later steps read and write them there.
   */
  useMoments(moments: DenseAdamMoments): void {
    if (moments.first.length !== this.size || moments.second.length !== this.size) {
      throw new ShapeError('DenseAdam.useMoments: moment storage does not fit the variables', {
        expected: `two arrays of ${this.size} elements`,
        found: `${moments.first.length} and ${moments.second.length}`,
      });
    }
    if (moments.first !== this.moments.first) moments.first.set(this.moments.first);
    if (moments.second !== this.moments.second) moments.second.set(this.moments.second);
    this.moments = moments;
  }

  /** Elements over all variables. */
  get size(): number {
    return this.offsets.at(-1)!;
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
    gradients.forEach((gradient, index) => {
      if (!gradient) return;
      const start = this.offsets[index]!;
      const end = this.offsets[index + 1]!;
      this.refresh(index, this.weights, start, end);
      const values = gradient.dataSync() as Float32Array;
      adamRange(this.args, this.stepCount, this.moments, this.weights, values, start, start, end);
      this.assign(index, this.weights);
    });
  }

  /**
   * One update of elements [start, end) of the flat parameter vector only, in place in `weights`
   * (flat, same indexing; its range must hold the variables' current values wherever this
   * optimizer wrote or loaded them, e.g. a vector shared by the workers that `loadWeights` reads):
   * steps the moments of the range and writes the range's new weights; the variables themselves
   * are not changed (see `loadWeights`). `gradient` is the flat gradient of every variable;
   * variables in `skipped` (no gradient this step) keep their weights and moments. Every caller
   * advances its own step count.
   */
  applyRange(
    gradient: Float32Array,
    skipped: ReadonlySet<number>,
    start: number,
    end: number,
    weights: Float32Array,
  ): void {
    if (gradient.length !== this.size || weights.length !== this.size) {
      throw new ShapeError('DenseAdam.applyRange: flat arrays of every variable expected', {
        expected: `${this.size} elements`,
        found: `gradient ${gradient.length}, weights ${weights.length}`,
      });
    }
    this.stepCount += 1;
    this.variables.forEach((_, index) => {
      const from = Math.max(start, this.offsets[index]!);
      const to = Math.min(end, this.offsets[index + 1]!);
      if (from >= to) return;
      this.refresh(index, weights, from, to);
      if (skipped.has(index)) return;
      adamRange(this.args, this.stepCount, this.moments, weights, gradient, 0, from, to);
    });
  }

  /** Assigns every variable its weights from a flat vector (as `applyRange` writes them). */
  loadWeights(weights: Float32Array): void {
    this.variables.forEach((_, index) => {
      this.assign(index, weights);
    });
  }

  /** Reads elements [from, to) of variable `index` into `weights` unless it still holds what we wrote. */
  private refresh(index: number, weights: Float32Array, from: number, to: number): void {
    const variable = this.variables[index]!;
    if (this.known[index] === variable.dataId && this.knownIn[index] === weights) return;
    const offset = this.offsets[index]!;
    weights.set((variable.dataSync() as Float32Array).subarray(from - offset, to - offset), from);
  }

  private assign(index: number, weights: Float32Array): void {
    const variable = this.variables[index]!;
    const start = this.offsets[index]!;
    tf.tidy(() =>
      variable.assign(tf.tensor(weights.subarray(start, start + variable.size), variable.shape, 'float32')),
    );
    this.known[index] = variable.dataId;
    this.knownIn[index] = weights;
  }

  getState(): DenseAdamState {
    const slice = (array: Float32Array) =>
      this.variables.map((_, index) => array.slice(this.offsets[index]!, this.offsets[index + 1]!));
    return {
      step: this.stepCount,
      firstMoments: slice(this.moments.first),
      secondMoments: slice(this.moments.second),
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
    this.variables.forEach((_, index) => {
      this.moments.first.set(state.firstMoments[index]!, this.offsets[index]!);
      this.moments.second.set(state.secondMoments[index]!, this.offsets[index]!);
    });
    this.stepCount = state.step;
  }

  /** Nothing to free (the moments are typed arrays); kept for callers that dispose optimizers. */
  dispose(): void {}
}
