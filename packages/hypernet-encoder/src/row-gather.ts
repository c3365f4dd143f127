/**
 * Picking rows with a gradient that needs no scatter: the row moves of padding compaction.
 *
 * `tf.gather`'s own gradient sums rows with `UnsortedSegmentSum`, which the wasm backend lacks
 * (and the cpu backend runs in O(segments x rows)). Here every source row is picked a known, small
 * number of times (once, or once per behavior), so its gradient is a sum of row gathers of the
 * incoming gradient by precomputed inverse indices. The gathers are `tf.gatherND`: on wasm its
 * kernel copies whole rows, where `tf.gather`'s computes every element's location (about 6x
 * slower, bench/kernels.bench.mjs). Index arrays stay plain JavaScript in the op's closure and
 * become tensors only inside its forward and backward functions (no integer inputs, whose
 * gradients tfjs would make us allocate).
 */
import * as tf from '@tensorflow/tfjs-core';

type CustomGradInput = Parameters<typeof tf.customGrad>[0];

/** x with one zero slice appended along `axis` (0 or 1); index R = x.shape[axis] picks it. */
export function withZeroRow(x: tf.Tensor, axis: 0 | 1 = 0): tf.Tensor {
  const shape = [...x.shape];
  shape[axis] = 1;
  return tf.concat([x, tf.fill(shape, 0)], axis); // [..., R + 1, ...] (Fill: no JavaScript array)
}

/** gatherND indices picking `rows` along `axis` of a tensor whose leading size is `leading`. */
export function pickIndices(rows: Int32Array, axis: 0 | 1, leading: number): tf.Tensor {
  if (axis === 0) return tf.tensor2d(rows, [rows.length, 1], 'int32'); // [N, 1]
  const pairs = new Int32Array(leading * rows.length * 2);
  for (let r = 0; r < leading; r++) {
    for (let i = 0; i < rows.length; i++) {
      pairs[2 * (r * rows.length + i)] = r;
      pairs[2 * (r * rows.length + i) + 1] = rows[i]!;
    }
  }
  return tf.tensor3d(pairs, [leading, rows.length, 2], 'int32'); // [R0, N, 2]
}

/**
 * y = x[index] along `axis` (0 or 1; index R = x.shape[axis] gives zeros): e.g. x [R, ...] -> [N, ...].
 *
 * `inverse` [C][R] must list, for every source row r, the positions in `index` that pick it, one per
 * copy c (N where there is none; no row may be picked more than C times), so that
 * dx[r] = sum_c dy[inverse[c][r]] (see `inverseIndex`).
 */
export function gatherRows(
  x: tf.Tensor,
  index: Int32Array,
  inverse: readonly Int32Array[],
  axis: 0 | 1 = 0,
): tf.Tensor {
  const leading = x.shape[0]!;
  const op = tf.customGrad(((input: tf.Tensor) => ({
    value: tf.gatherND(withZeroRow(input, axis), pickIndices(index, axis, leading)), // [..., N, ...]
    gradFunc: (dy: tf.Tensor) =>
      tf.tidy(() => {
        const padded = withZeroRow(dy, axis); // [..., N + 1, ...]
        const parts = inverse.map((rows) => tf.gatherND(padded, pickIndices(rows, axis, leading))); // C x [..., R, ...]
        return parts.length === 1 ? parts[0]! : tf.addN(parts); // [..., R, ...]
      }),
  })) as unknown as CustomGradInput) as unknown as (input: tf.Tensor) => tf.Tensor;
  return op(x);
}

/**
 * The inverse of a pick list for `gatherRows`: for every source row (of `rows`), the positions of
 * `index` that pick it, split into as many copies as the most-picked row needs. Positions that pick
 * the zero row (index === rows) are ignored.
 */
export function inverseIndex(index: Int32Array, rows: number): Int32Array[] {
  const copies: Int32Array[] = [];
  const seen = new Int32Array(rows);
  for (let position = 0; position < index.length; position++) {
    const row = index[position]!;
    if (row === rows) continue;
    const copy = seen[row]!++;
    if (copy === copies.length) copies.push(new Int32Array(rows).fill(index.length));
    copies[copy]![row] = position;
  }
  if (copies.length === 0) copies.push(new Int32Array(rows).fill(index.length));
  return copies;
}
