/** Concatenation of datasets with the same schema and the same optional columns. */
import { ConfigError } from '@dtrn/base';
import { type Column, listColumns, mapColumns } from './map-columns.js';
import type { InMemoryDataset } from './types.js';

function sameSchema(a: InMemoryDataset, b: InMemoryDataset): boolean {
  return a.schema === b.schema || JSON.stringify(a.schema) === JSON.stringify(b.schema);
}

/**
 * One dataset holding the rows of `parts` in order (every column copied). The parts must share the
 * schema (equal by value) and carry the same optional columns (timestamps, extras).
 */
export function concatDatasets(parts: readonly InMemoryDataset[]): InMemoryDataset {
  const first = parts[0];
  if (!first)
    throw new ConfigError('concatDatasets: no datasets given', { expected: 'at least one dataset' });
  const byPath = new Map<string, Column[]>();
  const firstPaths = listColumns(first).map((ref) => ref.path);
  parts.forEach((part, index) => {
    if (!sameSchema(first, part)) {
      throw new ConfigError(`concatDatasets: dataset ${index} has a different schema than dataset 0`);
    }
    const refs = listColumns(part);
    const paths = refs.map((ref) => ref.path);
    if (paths.join('\n') !== firstPaths.join('\n')) {
      throw new ConfigError(`concatDatasets: dataset ${index} has different columns than dataset 0`, {
        expected: firstPaths.join(', '),
        found: paths.join(', '),
      });
    }
    for (const ref of refs) {
      const list = byPath.get(ref.path) ?? [];
      list.push(ref.column);
      byPath.set(ref.path, list);
    }
  });
  const size = parts.reduce((total, part) => total + part.size, 0);
  const join = <T extends Column>(out: T, path: string): T => {
    let offset = 0;
    for (const column of byPath.get(path)!) {
      out.set(column, offset);
      offset += column.length;
    }
    return out;
  };
  return mapColumns(first, size, {
    int32: (_column, width, path) => join(new Int32Array(size * width), path),
    float32: (_column, width, path) => join(new Float32Array(size * width), path),
    float64: (_column, width, path) => join(new Float64Array(size * width), path),
  });
}
