/**
 * Gathering embedding rows into one input buffer in plain typed-array code, and splitting that
 * input's gradient back into per-table row updates. An input is a [rows, width] matrix filled by
 * parts: part p writes table rows `ids[i]` into matrix row `i * rowStride + rowOffset`, columns
 * `[column, column + width)`.
 */
import type { EmbeddingBank, EmbeddingUpdate } from '@dtrn/core';

export interface GatherPart {
  readonly table: string;
  readonly ids: Int32Array;
  readonly rowStride: number;
  readonly rowOffset: number;
  readonly column: number;
  readonly width: number;
}

/** Fills a new [rows * width] buffer from the parts (positions no part covers stay 0). */
export function gatherRows(
  bank: EmbeddingBank,
  rows: number,
  width: number,
  parts: readonly GatherPart[],
): Float32Array {
  const out = new Float32Array(rows * width);
  for (const part of parts) {
    // Part row i lands on matrix row i * rowStride + rowOffset, columns [column, column + width).
    bank.lookupInto(part.table, part.ids, out, part.rowOffset * width + part.column, part.rowStride * width);
  }
  return out;
}

/**
 * The row updates of one input's gradient ([rows * width], same layout as the gathered buffer):
 * each part reads its rows straight out of `gradient` (stride and offset), no copies.
 */
export function scatterRowGradients(
  gradient: Float32Array,
  width: number,
  parts: readonly GatherPart[],
): EmbeddingUpdate[] {
  return parts.map((part) => ({
    table: part.table,
    ids: part.ids,
    gradients: gradient,
    gradientStride: part.rowStride * width,
    gradientOffset: part.rowOffset * width + part.column,
  }));
}
