/**
 * Packing the kept positions of M behaviors' sequences into one [T, d] tensor (see compaction.ts),
 * as one op: forward one row gather from the behaviors stacked along the rows (plus a zero row for
 * padding), backward one row gather per behavior from the incoming gradient by its inverse index.
 * No split of a stacked gradient (on wasm every slice of a tensor first copies all of it).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CompactionPlan } from './compaction.js';
import { pickIndices, withZeroRow } from './row-gather.js';

type CustomGradInput = Parameters<typeof tf.customGrad>[0];

/**
 * The positions the plan keeps, packed: sequences M x [B, L_m, d] -> [T, d] (bucket-major, padding
 * as zero rows). Differentiable with respect to the sequences.
 */
export function packSequences(sequences: readonly tf.Tensor[], plan: CompactionPlan): tf.Tensor {
  const d = sequences[0]!.shape[2]!;
  const shapes = sequences.map((s) => s.shape);
  const op = tf.customGrad(((...inputs: tf.Tensor[]) => {
    const rows = inputs.slice(0, shapes.length).map((s) => tf.reshape(s, [-1, d])); // M x [B*L_m, d]
    const stacked = tf.concat([...rows, tf.fill([1, d], 0)], 0); // [sum_m B*L_m + 1, d], a zero row last
    return {
      value: tf.gatherND(stacked, pickIndices(plan.rowIndex, 0, 0)), // [T, d]
      gradFunc: (dy: tf.Tensor) =>
        tf.tidy(() => {
          const padded = withZeroRow(dy); // [T + 1, d]
          return plan.rowInverse.map((inverse, m) =>
            tf.reshape(tf.gatherND(padded, pickIndices(inverse, 0, 0)), shapes[m]!),
          ); // M x [B, L_m, d]
        }),
    };
  }) as unknown as CustomGradInput) as unknown as (...inputs: tf.Tensor[]) => tf.Tensor;
  return op(...sequences);
}

/**
 * Rows [start, start + count) of x [N, d] as their own tensor, by a row gather (a slice, or a split,
 * would first copy all of x on wasm). Backward: dy padded with zero rows to [N, d].
 */
export function takeRows(x: tf.Tensor, start: number, count: number): tf.Tensor {
  const rows = x.shape[0]!;
  if (start === 0 && count === rows) return x;
  const index = new Int32Array(count);
  for (let i = 0; i < count; i++) index[i] = start + i;
  const op = tf.customGrad(((input: tf.Tensor) => ({
    value: tf.gatherND(input, pickIndices(index, 0, 0)), // [count, d]
    gradFunc: (dy: tf.Tensor) =>
      tf.pad(dy, [
        [start, rows - start - count],
        [0, 0],
      ]), // [N, d]
  })) as unknown as CustomGradInput) as unknown as (input: tf.Tensor) => tf.Tensor;
  return op(x);
}
