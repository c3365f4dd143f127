/**
 * Bulk copies out of DuckDB data chunks into the shard columns: each copy views the vector's native
 * buffer as a typed array and `set`s it, so no JS value is made per row. The SQL that produces the
 * chunk guarantees the types (INTEGER, FLOAT, DOUBLE, INTEGER[]) and that no value is NULL.
 */

import type { DuckDBDataChunk } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';

function vectorOf(chunk: DuckDBDataChunk, column: number): duckdb.Vector {
  return duckdb.data_chunk_get_vector(chunk.chunk, column);
}

type NumberColumn = Int32Array | Float32Array | Float64Array;

/**
 * Copies a column into `target` at `offset`: INTEGER into an Int32Array, FLOAT into a
 * Float32Array, DOUBLE into a Float64Array (the SQL casts guarantee the match).
 */
export function copyColumn(
  chunk: DuckDBDataChunk,
  column: number,
  target: NumberColumn,
  offset: number,
): void {
  const rows = chunk.rowCount;
  const bytes = duckdb.vector_get_data(vectorOf(chunk, column), rows * target.BYTES_PER_ELEMENT);
  const View = target.constructor as new (
    buffer: ArrayBufferLike,
    byteOffset: number,
    length: number,
  ) => NumberColumn;
  target.set(new View(bytes.buffer, bytes.byteOffset, rows), offset);
}

/**
 * Copies an INTEGER[] column (each list at most `length` long, oldest first) into the padded
 * sequence layout `[rows * length]`: padding first, the newest element at index length - 1.
 */
export function copyPaddedLists(
  chunk: DuckDBDataChunk,
  column: number,
  target: Int32Array,
  rowOffset: number,
  length: number,
): void {
  const rows = chunk.rowCount;
  const vector = vectorOf(chunk, column);
  const entryBytes = duckdb.vector_get_data(vector, rows * 16);
  const entries = new BigUint64Array(entryBytes.buffer, entryBytes.byteOffset, rows * 2);
  const childSize = duckdb.list_vector_get_size(vector);
  const childBytes = duckdb.vector_get_data(duckdb.list_vector_get_child(vector), childSize * 4);
  const items = new Int32Array(childBytes.buffer, childBytes.byteOffset, childSize);
  target.fill(0, rowOffset * length, (rowOffset + rows) * length);
  for (let row = 0; row < rows; row++) {
    const start = Number(entries[2 * row]!);
    const count = Number(entries[2 * row + 1]!);
    const base = (rowOffset + row) * length + (length - count);
    for (let i = 0; i < count; i++) target[base + i] = items[start + i]!;
  }
}
