/**
 * Lazy (sparse) Adam and Adagrad: the update of tf.train.adam / tf.train.adagrad applied only to
 * the rows a step touched, in place on Float32Array storage. Arithmetic runs in float64 and is
 * stored as float32.
 *
 * Lazy Adam uses the bank's global step t for bias correction, as TensorFlow's LazyAdam does. It
 * differs from dense Adam on rows a step does not touch: dense Adam decays their moments and still
 * moves them by the decayed momentum; lazy Adam leaves rows and moments as they are. On steps that
 * touch every row both are the same update. Adagrad has no such difference (a zero gradient adds
 * nothing to the accumulator and moves nothing).
 */
import type { ResolvedAdagrad, ResolvedAdam } from './config.js';

/** The touched rows of one table and their summed gradients. */
export interface TouchedRows {
  /** Distinct rows; the first `count` entries are valid. */
  readonly rows: Int32Array;
  /** [count * dim] summed gradient per row. */
  readonly gradients: Float64Array;
  readonly count: number;
}

/**
 * m ← β1·m + (1-β1)·g;  v ← β2·v + (1-β2)·g²;
 * w ← w - lr · (m / (1-β1^t)) / (sqrt(v / (1-β2^t)) + ε), with g = summed gradient + 2·l2·w.
 */
export function lazyAdamUpdate(
  values: Float32Array,
  firstMoment: Float32Array,
  secondMoment: Float32Array,
  dim: number,
  touched: TouchedRows,
  config: ResolvedAdam,
  step: number,
  l2: number,
): void {
  const { beta1, beta2, epsilon, learningRate } = config;
  const correction1 = 1 - beta1 ** step;
  const correction2 = 1 - beta2 ** step;
  const oneMinusBeta1 = 1 - beta1;
  const oneMinusBeta2 = 1 - beta2;
  const decay = 2 * l2;
  const { rows, gradients, count } = touched;
  for (let slot = 0; slot < count; slot++) {
    const offset = rows[slot]! * dim;
    const gradientOffset = slot * dim;
    for (let j = 0; j < dim; j++) {
      const k = offset + j;
      const w = values[k]!;
      const g = gradients[gradientOffset + j]! + decay * w;
      const m = beta1 * firstMoment[k]! + oneMinusBeta1 * g;
      const v = beta2 * secondMoment[k]! + oneMinusBeta2 * g * g;
      firstMoment[k] = m;
      secondMoment[k] = v;
      values[k] = w - (learningRate * (m / correction1)) / (Math.sqrt(v / correction2) + epsilon);
    }
  }
}

/** a ← a + g²;  w ← w - lr · g / sqrt(a + ε), with g = summed gradient + 2·l2·w. */
export function lazyAdagradUpdate(
  values: Float32Array,
  accumulator: Float32Array,
  dim: number,
  touched: TouchedRows,
  config: ResolvedAdagrad,
  l2: number,
): void {
  const { epsilon, learningRate } = config;
  const decay = 2 * l2;
  const { rows, gradients, count } = touched;
  for (let slot = 0; slot < count; slot++) {
    const offset = rows[slot]! * dim;
    const gradientOffset = slot * dim;
    for (let j = 0; j < dim; j++) {
      const k = offset + j;
      const w = values[k]!;
      const g = gradients[gradientOffset + j]! + decay * w;
      const a = accumulator[k]! + g * g;
      accumulator[k] = a;
      values[k] = w - (learningRate * g) / Math.sqrt(a + epsilon);
    }
  }
}
