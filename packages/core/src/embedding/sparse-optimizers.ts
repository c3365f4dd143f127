/**
 * Lazy (sparse) Adam and Adagrad: the update of tf.train.adam / tf.train.adagrad applied only to
 * the rows a step touched, in place on a table's values and slots (table-storage.ts). Arithmetic runs in float64 and is stored as float32.
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
  /** The block of each distinct row in its table; the first `count` entries are valid. */
  readonly blocks: Int32Array;
  /** [count * dim] summed gradient per row. */
  readonly gradients: Float64Array;
  readonly count: number;
}

/**
 * Where a table's rows live: block b's values at `values[b * dim ..]`, its slots side by side at
 * `slots[b * slotStride ..]` (slot s at + s * dim).
 */
export interface BlockRows {
  readonly values: Float32Array;
  readonly slots: Float32Array;
  readonly dim: number;
  readonly slotStride: number;
}

/**
 * m ← β1·m + (1-β1)·g;  v ← β2·v + (1-β2)·g²;
 * w ← w - lr · (m / (1-β1^t)) / (sqrt(v / (1-β2^t)) + ε), with g = summed gradient + 2·l2·w.
 * Slots: m then v.
 */
export function lazyAdamUpdate(
  table: BlockRows,
  touched: TouchedRows,
  config: ResolvedAdam,
  step: number,
  l2: number,
): void {
  const { beta1, beta2, epsilon, learningRate } = config;
  const { values, slots, dim, slotStride } = table;
  const correction1 = 1 - beta1 ** step;
  const correction2 = 1 - beta2 ** step;
  const oneMinusBeta1 = 1 - beta1;
  const oneMinusBeta2 = 1 - beta2;
  const decay = 2 * l2;
  const { blocks, gradients, count } = touched;
  for (let slot = 0; slot < count; slot++) {
    const w0 = blocks[slot]! * dim;
    const m0 = blocks[slot]! * slotStride;
    const v0 = m0 + dim;
    const g0 = slot * dim;
    for (let j = 0; j < dim; j++) {
      const w = values[w0 + j]!;
      const g = gradients[g0 + j]! + decay * w;
      const m = beta1 * slots[m0 + j]! + oneMinusBeta1 * g;
      const v = beta2 * slots[v0 + j]! + oneMinusBeta2 * g * g;
      slots[m0 + j] = m;
      slots[v0 + j] = v;
      values[w0 + j] = w - (learningRate * (m / correction1)) / (Math.sqrt(v / correction2) + epsilon);
    }
  }
}

/** a ← a + g²;  w ← w - lr · g / sqrt(a + ε), with g = summed gradient + 2·l2·w. Slot: a. */
export function lazyAdagradUpdate(
  table: BlockRows,
  touched: TouchedRows,
  config: ResolvedAdagrad,
  l2: number,
): void {
  const { epsilon, learningRate } = config;
  const { values, slots, dim, slotStride } = table;
  const decay = 2 * l2;
  const { blocks, gradients, count } = touched;
  for (let slot = 0; slot < count; slot++) {
    const w0 = blocks[slot]! * dim;
    const a0 = blocks[slot]! * slotStride;
    const g0 = slot * dim;
    for (let j = 0; j < dim; j++) {
      const w = values[w0 + j]!;
      const g = gradients[g0 + j]! + decay * w;
      const a = slots[a0 + j]! + g * g;
      slots[a0 + j] = a;
      values[w0 + j] = w - (learningRate * g) / Math.sqrt(a + epsilon);
    }
  }
}
