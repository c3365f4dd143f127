/**
 * One place that walks every per-row column of a dataset, so row selection (views, gathers,
 * concatenation) and shard I/O cannot forget a column. Each column has a stable path built from
 * schema names: `sparse/<field>`, `dense/<field>`, `sequence/<behavior>/item`,
 * `sequence/<behavior>/side/<side field>`, `label/<task>`, `mask/<task>`, `timestamps`,
 * `extra/<name>`. (`groups` is not a column of its own: it is the group field's sparse column.)
 */

import { summarizeSchema } from './schema-summary.js';
import type { InMemoryDataset, SequenceColumns } from './types.js';

export type ColumnDtype = 'int32' | 'float32' | 'float64';
export type Column = Int32Array | Float32Array | Float64Array;

/** One per-row column of a dataset: `width` values per row. */
export interface ColumnRef {
  readonly path: string;
  readonly dtype: ColumnDtype;
  readonly width: number;
  readonly column: Column;
}

/** Maps one column of `width` values per row to the corresponding column of the result. */
export interface ColumnMapper {
  int32(column: Int32Array, width: number, path: string): Int32Array;
  float32(column: Float32Array, width: number, path: string): Float32Array;
  float64(column: Float64Array, width: number, path: string): Float64Array;
}

/** Builds a dataset of `size` rows from `source` with every column passed through `mapper`. */
export function mapColumns(source: InMemoryDataset, size: number, mapper: ColumnMapper): InMemoryDataset {
  const { schema } = source;
  const summary = summarizeSchema(schema);
  const sparse = source.sparse.map((column, i) =>
    mapper.int32(column, 1, `sparse/${schema.sparseFields[i]!.name}`),
  );
  const sequences: SequenceColumns[] = source.sequences.map((sequence, m) => {
    const prefix = `sequence/${schema.sequences!.behaviors[m]!.name}`;
    return {
      items: mapper.int32(sequence.items, sequence.maxLength, `${prefix}/item`),
      sideFields: sequence.sideFields.map((column, s) =>
        mapper.int32(column, sequence.maxLength, `${prefix}/side/${schema.sequences!.sideFields[s]!.name}`),
      ),
      maxLength: sequence.maxLength,
    };
  });
  let extras: Record<string, Float32Array> | undefined;
  if (source.extras) {
    extras = {};
    for (const [name, column] of Object.entries(source.extras)) {
      extras[name] = mapper.float32(column, 1, `extra/${name}`);
    }
  }
  return {
    schema,
    size,
    sparse,
    dense: source.dense.map((column, i) => mapper.float32(column, 1, `dense/${schema.denseFields[i]!.name}`)),
    sequences,
    labels: source.labels.map((column, k) => mapper.float32(column, 1, `label/${schema.tasks[k]!.name}`)),
    sampleMasks: source.sampleMasks.map((column, k) =>
      column ? mapper.float32(column, 1, `mask/${schema.tasks[k]!.name}`) : undefined,
    ),
    ...(summary.groupFieldIndex >= 0 ? { groups: sparse[summary.groupFieldIndex]! } : {}),
    ...(source.timestamps ? { timestamps: mapper.float64(source.timestamps, 1, 'timestamps') } : {}),
    ...(extras ? { extras } : {}),
  };
}

/** Every per-row column of `source` in a fixed order (the order `mapColumns` visits them). */
export function listColumns(source: InMemoryDataset): ColumnRef[] {
  const columns: ColumnRef[] = [];
  const record =
    <T extends Column>(dtype: ColumnDtype) =>
    (column: T, width: number, path: string) => {
      columns.push({ path, dtype, width, column });
      return column;
    };
  mapColumns(source, source.size, {
    int32: record<Int32Array>('int32'),
    float32: record<Float32Array>('float32'),
    float64: record<Float64Array>('float64'),
  });
  return columns;
}
