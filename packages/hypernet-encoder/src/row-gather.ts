/**
 * Picking rows with a gradient that needs no scatter: the row moves of padding compaction.
 *
 * `tf.gather`'s own gradient sums rows with `UnsortedSegmentSum`, which the wasm backend lacks
 * (and the cpu backend runs in O(segments x rows)). Here every source row is picked a known, small
 * number of times (once, or once per behavior), so its gradient is a sum of gathers of the incoming
 * gradient by precomputed inverse indices: the gather kernel both ways.
 */
import * as tf from '@tensorflow/tfjs-core';

type CustomGradInput = Parameters<typeof tf.customGrad>[0];

/** x with one zero slice appended along `axis` (0 or 1); index R = x.shape[axis] picks it. */
function withZeroRow(x: tf.Tensor, axis: number): tf.Tensor {
  const shape = [...x.shape];
  shape[axis] = 1;
  return tf.concat([x, tf.zeros(shape)], axis); // [..., R + 1, ...]
}

/**
 * x[index] along `axis` with `tf.gatherND` (index [N, 1] for axis 0, [R0, N, 2] pairs for axis 1):
 * on wasm its kernel copies whole rows, where `tf.gather`'s computes every element's location
 * (about 6x slower here, bench/kernels.bench.mjs).
 */
function pick(x: tf.Tensor, index: tf.Tensor): tf.Tensor {
  return tf.gatherND(x, index); // [N, ...] or [R0, N, ...]
}

/** gatherND indices for picking `rows` along `axis` of a tensor whose leading size is `leading`. */
function pickIndices(rows: Int32Array, axis: number, leading: number): tf.Tensor {
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

/** The op for one axis: inputs x, index and C inverse index tensors (int32, gatherND form). */
function gatherRowsOp(axis: number) {
  const op = (x: tf.Tensor, index: tf.Tensor, inverse: tf.Tensor, save: tf.GradSaveFunc) => {
    save([inverse]);
    const [picks, inverseShape] = [index.shape, inverse.shape];
    return {
      value: pick(withZeroRow(x, axis), index), // [..., N, ...]
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const padded = withZeroRow(dy, axis); // [..., N + 1, ...]
          const copies = saved[0]!.shape[0]!;
          const parts =
            copies === 1
              ? [pick(padded, tf.squeeze(saved[0]!, [0]))]
              : tf.unstack(saved[0]!).map((rows) => pick(padded, rows)); // C x [..., R, ...]
          const dx = parts.length === 1 ? parts[0]! : tf.addN(parts); // [..., R, ...]
          return [dx, tf.zeros(picks, 'int32'), tf.zeros(inverseShape, 'int32')];
        }),
    };
  };
  return tf.customGrad(op as unknown as CustomGradInput) as unknown as (
    x: tf.Tensor,
    index: tf.Tensor,
    inverse: tf.Tensor,
  ) => tf.Tensor;
}

const GATHER_ROWS = [gatherRowsOp(0), gatherRowsOp(1)] as const;

/**
 * y = x[index] along `axis` (0 or 1; index R = x.shape[axis] gives zeros): e.g. x [R, ...] -> [N, ...].
 *
 * `inverse` [C, R] must list, for every source row r, the positions in `index` that pick it, one per
 * copy c (N where there is none; no row may be picked more than C times), so that
 * dx[r] = sum_c dy[inverse[c][r]] (see `inverseIndex`). Differentiable with respect to x only.
 */
export function gatherRows(
  x: tf.Tensor,
  index: Int32Array,
  inverse: readonly Int32Array[],
  axis: 0 | 1 = 0,
): tf.Tensor {
  return tf.tidy(() => {
    const leading = x.shape[0]!;
    const indexTensor = pickIndices(index, axis, leading); // [N, 1] or [R0, N, 2]
    const inverseTensor = tf.stack(inverse.map((rows) => pickIndices(rows, axis, leading))); // [C, ...]
    return GATHER_ROWS[axis](x, indexTensor, inverseTensor); // [..., N, ...]
  });
}

/**
 * The inverse of a pick list for `gatherRows`: for every source row (of `rows`), the positions of
 * `index` that pick it, split into as many copies as the most-picked row needs. Positions that pick
 * the zero row (index === rows) are ignored.
 */
export function inverseIndex(index: Int32Array, rows: number): Int32Array[] {
  const copies: Int32Array[] = [];
  const seen = new Int32Array(rows);
  index.forEach((row, position) => {
    if (row === rows) return;
    const copy = seen[row]!++;
    if (copy === copies.length) copies.push(new Int32Array(rows).fill(index.length));
    copies[copy]![row] = position;
  });
  if (copies.length === 0) copies.push(new Int32Array(rows).fill(index.length));
  return copies;
}
