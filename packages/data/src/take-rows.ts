/** Row selection: gathered copies (`takeRows`) and zero-copy views (`sliceRows`). */
import { ConfigError } from '@dtrn/base';
import { mapColumns } from './map-columns.js';
import type { InMemoryDataset } from './types.js';

type IntColumn = Int32Array | Float32Array | Float64Array;

function gather<T extends IntColumn>(column: T, width: number, indices: ArrayLike<number>, out: T): T {
  if (width === 1) {
    for (let i = 0; i < indices.length; i++) out[i] = column[indices[i]!]!;
  } else {
    for (let i = 0; i < indices.length; i++) {
      const start = indices[i]! * width;
      out.set(column.subarray(start, start + width), i * width);
    }
  }
  return out;
}

/**
 * A new dataset made of the rows `indices` of `source`, in that order (repeats allowed), with every
 * column copied: sparse, dense, sequences, labels, sample masks, groups, timestamps and extras.
 */
export function takeRows(source: InMemoryDataset, indices: ArrayLike<number>): InMemoryDataset {
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i]!;
    if (!Number.isInteger(row) || row < 0 || row >= source.size) {
      throw new ConfigError('takeRows: row index out of range', {
        where: { field: 'indices', index: i },
        expected: `an integer in [0, ${source.size})`,
        found: row,
      });
    }
  }
  const size = indices.length;
  return mapColumns(source, size, {
    int32: (column, width) => gather(column, width, indices, new Int32Array(size * width)),
    float32: (column, width) => gather(column, width, indices, new Float32Array(size * width)),
    float64: (column, width) => gather(column, width, indices, new Float64Array(size * width)),
  });
}

/** Rows [start, end) of `source` as views sharing its memory (no copy). */
export function sliceRows(source: InMemoryDataset, start: number, end: number): InMemoryDataset {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > source.size) {
    throw new ConfigError('sliceRows: invalid row range', {
      expected: `integers 0 <= start <= end <= ${source.size}`,
      found: `[${start}, ${end})`,
    });
  }
  return mapColumns(source, end - start, {
    int32: (column, width) => column.subarray(start * width, end * width),
    float32: (column, width) => column.subarray(start * width, end * width),
    float64: (column, width) => column.subarray(start * width, end * width),
  });
}
