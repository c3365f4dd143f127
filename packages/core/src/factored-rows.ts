/**
 * FactoredRows: C rows that are equal except in one contiguous column range, kept as one shared
 * row plus the varying columns. Row i is `base` ([1, D]) with columns [start, start + w) replaced by
 * `varying[i]` ([C, w]). One user scored against C candidate items is such a batch: every feature
 * but the target item's embedding is the user's.
 *
 * A dense layer over factored rows splits its product by rows of the kernel:
 *   x_i W = base' W + varying_i W[start : start + w]      (base' = base with the range set to 0)
 * so it costs one [1, D] x [D, U] product plus one [C, w] x [w, U] product instead of [C, D] x [D, U].
 * Inference only: this path has no custom gradient and is not meant for training.
 */
import { ShapeError } from '@dtrn/base';
import * as tf from '@tensorflow/tfjs-core';
import { checkRank } from './shape.js';

const FACTORED = Symbol.for('dtrn.factored-rows');

export interface FactoredRows {
  readonly [FACTORED]: true;
  /** [1, D]: the columns every row shares (its range [start, start + w) is ignored). */
  readonly base: tf.Tensor;
  /** [C, w]: each row's own columns. */
  readonly varying: tf.Tensor;
  /** First column of the varying range. */
  readonly start: number;
}

/** What a dense layer reads: a [N, D] tensor, or factored rows. */
export type DenseInput = tf.Tensor | FactoredRows;

/**
 * Factored rows over `base` [1, D] and `varying` [C, w] at columns [start, start + w). The tensors are
 * borrowed, not copied: keep them alive while the rows are used.
 */
export function factoredRows(base: tf.Tensor, varying: tf.Tensor, start: number): FactoredRows {
  checkRank(base.shape, 2, 'factoredRows base');
  checkRank(varying.shape, 2, 'factoredRows varying');
  const [baseRows, width] = base.shape as [number, number];
  const [, varyingWidth] = varying.shape as [number, number];
  if (baseRows !== 1) {
    throw new ShapeError('factoredRows: base must have exactly one row', {
      expected: `[1, ${width}]`,
      found: `[${base.shape.join(', ')}]`,
    });
  }
  if (!Number.isInteger(start) || start < 0 || start + varyingWidth > width) {
    throw new ShapeError('factoredRows: the varying columns do not fit inside the base row', {
      expected: `an integer start in [0, ${width - varyingWidth}]`,
      found: start,
    });
  }
  return Object.freeze({ [FACTORED]: true as const, base, varying, start });
}

export function isFactoredRows(x: unknown): x is FactoredRows {
  return typeof x === 'object' && x !== null && (x as Partial<FactoredRows>)[FACTORED] === true;
}

/** [rows, columns] of a dense input. */
export function denseInputShape(x: DenseInput): [number, number] {
  if (isFactoredRows(x)) return [x.varying.shape[0]!, x.base.shape[1]!];
  return x.shape as [number, number];
}

/** The rows written out as one [C, D] tensor (for checks, and for code that needs plain tensors). */
export function materializeRows(x: FactoredRows): tf.Tensor {
  return tf.tidy(() => {
    const [C, D] = denseInputShape(x);
    const w = x.varying.shape[1]!;
    const parts: tf.Tensor[] = [];
    const tiled = (from: number, size: number) => tf.tile(tf.slice(x.base, [0, from], [1, size]), [C, 1]); // [C, size]
    if (x.start > 0) parts.push(tiled(0, x.start));
    parts.push(x.varying);
    if (x.start + w < D) parts.push(tiled(x.start + w, D - x.start - w));
    return parts.length === 1 ? tf.clone(parts[0]!) : tf.concat(parts, 1); // [C, D]
  });
}

/** The product of factored rows and a kernel [D, U]: [C, U] (see the file comment). */
export function factoredMatMul(x: FactoredRows, kernel: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [, D] = denseInputShape(x);
    const w = x.varying.shape[1]!;
    const units = kernel.shape[1]!;
    const parts: tf.Tensor[] = [];
    if (x.start > 0) parts.push(tf.slice(x.base, [0, 0], [1, x.start]));
    parts.push(tf.zeros([1, w]));
    if (x.start + w < D) parts.push(tf.slice(x.base, [0, x.start + w], [1, D - x.start - w]));
    const shared = tf.matMul(tf.concat(parts, 1), kernel); // [1, U]
    const own = tf.matMul(x.varying, tf.slice(kernel, [x.start, 0], [w, units])); // [C, U]
    return tf.add(own, shared); // [C, U]
  });
}
