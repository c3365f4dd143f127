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
    const direct = part.rowStride === 1 && part.rowOffset === 0 && part.column === 0 && part.width === width;
    if (direct) {
      bank.lookupInto(part.table, part.ids, out, 0);
      continue;
    }
    const values = bank.lookup(part.table, part.ids); // [n * partWidth]
    const n = part.ids.length;
    const w = part.width;
    for (let i = 0; i < n; i++) {
      const to = (i * part.rowStride + part.rowOffset) * width + part.column;
      const from = i * w;
      for (let j = 0; j < w; j++) out[to + j] = values[from + j]!;
    }
  }
  return out;
}

/** The row updates of one input's gradient ([rows * width], same layout as the gathered buffer). */
export function scatterRowGradients(
  gradient: Float32Array,
  width: number,
  parts: readonly GatherPart[],
): EmbeddingUpdate[] {
  return parts.map((part) => {
    const direct = part.rowStride === 1 && part.rowOffset === 0 && part.column === 0 && part.width === width;
    if (direct) return { table: part.table, ids: part.ids, gradients: gradient };
    const n = part.ids.length;
    const w = part.width;
    const gradients = new Float32Array(n * w);
    for (let i = 0; i < n; i++) {
      const from = (i * part.rowStride + part.rowOffset) * width + part.column;
      const to = i * w;
      for (let j = 0; j < w; j++) gradients[to + j] = gradient[from + j]!;
    }
    return { table: part.table, ids: part.ids, gradients };
  });
}
