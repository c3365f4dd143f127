/**
 * The masked mean of a behavior sequence, computed while gathering its rows (plain typed-array
 * code), for models whose sequence encoder is `mean-pool`. The pooled input [B, d] replaces the
 * [B, L, d] sequence tensor and its mask: the same numbers (sum of the non-padding element rows
 * divided by their count, zeros for an empty sequence) without building, masking and reducing
 * B * L * d floats in tfjs, and without reading that many gradient floats back.
 *
 * Gradient: d(mean_b)/d(row at (b, l)) = 1 / count_b for every non-padding position, so each such
 * row receives `gradient[b] / count_b` (the float32 division tfjs's Div gradient computes). The bank
 * then sums duplicate ids as for any other input.
 */
import type { EmbeddingBank, EmbeddingUpdate } from '@dtrn/core';

/** One sub-embedding of the sequence element: its ids [B * L], table and column range in d. */
export interface PooledPart {
  readonly table: string;
  readonly ids: Int32Array;
  readonly column: number;
  readonly width: number;
}

/** What the gradient step needs to know about one pooled behavior. */
export interface PooledSequence {
  /** [B * d] row-major masked means. */
  readonly values: Float32Array;
  /** [n] batch row of each non-padding position, in position order. */
  readonly rowOf: Int32Array;
  /** [B] number of non-padding positions per batch row. */
  readonly counts: Int32Array;
  /** Per part, its ids at the non-padding positions ([n]). */
  readonly partIds: readonly Int32Array[];
  readonly parts: readonly PooledPart[];
  readonly width: number;
}

/**
 * Masked means of one behavior: `items` ([B * L], 0 = padding) decides which positions count;
 * every part's rows at those positions are averaged into its columns of a [B, width] buffer.
 */
export function gatherPooled(
  bank: EmbeddingBank,
  items: Int32Array,
  batchSize: number,
  length: number,
  width: number,
  parts: readonly PooledPart[],
): PooledSequence {
  const counts = new Int32Array(batchSize);
  let n = 0;
  for (let i = 0; i < items.length; i++) if (items[i] !== 0) n++;
  const positions = new Int32Array(n);
  const rowOf = new Int32Array(n);
  n = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let l = 0; l < length; l++) {
      const position = b * length + l;
      if (items[position] === 0) continue;
      positions[n] = position;
      rowOf[n] = b;
      n++;
      counts[b] = counts[b]! + 1;
    }
  }
  const values = new Float32Array(batchSize * width); // [B, width]
  const partIds = parts.map((part) => {
    const ids = new Int32Array(n);
    for (let k = 0; k < n; k++) ids[k] = part.ids[positions[k]!]!;
    // Row sums per batch row, in position order (float32 running sums), straight from the table.
    bank.lookupSumInto(part.table, ids, rowOf, values, part.column, width);
    return ids;
  });
  for (let b = 0; b < batchSize; b++) {
    const count = counts[b]!;
    if (count <= 1) continue; // 0: stays zeros; 1: already the mean
    const base = b * width;
    for (let j = 0; j < width; j++) values[base + j] = values[base + j]! / count;
  }
  return { values, rowOf, counts, partIds, parts, width };
}

/**
 * Row updates of one pooled input from its gradient ([B * width]): per part, the gradient of each
 * batch row divided by its count once ([B, part.width]), which every position of that row then
 * receives (`gradientRows` = the batch row of each position).
 */
export function pooledRowGradients(gradient: Float32Array, pooled: PooledSequence): EmbeddingUpdate[] {
  const { rowOf, counts, width } = pooled;
  const B = counts.length;
  return pooled.parts.map((part, p) => {
    const w = part.width;
    const perRow = new Float32Array(B * w); // [B, w]
    for (let b = 0; b < B; b++) {
      const count = counts[b]!;
      if (count === 0) continue;
      const from = b * width + part.column;
      for (let j = 0; j < w; j++) perRow[b * w + j] = gradient[from + j]! / count;
    }
    return {
      table: part.table,
      ids: pooled.partIds[p]!,
      gradients: perRow,
      gradientRows: rowOf,
      gradientStride: w,
    };
  });
}
