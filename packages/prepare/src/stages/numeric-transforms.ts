/**
 * Stage "statistics": numeric statistics from the training split only, and the SQL of each numeric
 * field's transform. `buckets` turns a number into a categorical bucket id (its own id space:
 * row 0 padding, buckets at rows 1..B), with quantile boundaries from training or given ones.
 */
import type { IdSpaceSpec } from '@dtrn/data';
import type { NumericField, TableConfig } from '../config/types.js';
import type { DuckSession } from '../duckdb/session.js';
import { numberLiteral } from '../duckdb/sql.js';
import { col, USED } from './build-rows.js';

export interface NumericStatistics {
  readonly field: string;
  readonly transform: NumericField['transform'];
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
  /** Bucket boundaries (transform `buckets`): value v goes to bucket 1 + #{b : v >= b}. */
  readonly boundaries?: readonly number[];
}

export interface NumericPlan {
  readonly statistics: readonly NumericStatistics[];
  /** SQL per field index: FLOAT (dense) or INTEGER (bucket id). */
  readonly expressions: ReadonlyMap<number, string>;
  /** Id spaces of bucketed fields. */
  readonly bucketSpaces: readonly IdSpaceSpec[];
}

function quantileBoundaries(values: readonly unknown[]): number[] {
  const sorted = [...new Set(values.map(Number).filter(Number.isFinite))].sort((a, b) => a - b);
  return sorted;
}

/** The id space of a bucketed field's ids: padding, then buckets 1..B (B = boundaries + 1). */
export function bucketSpace(field: NumericField, boundaries: readonly number[]): IdSpaceSpec {
  return { name: field.idSpace, size: boundaries.length + 2, oov: 'error' };
}

/**
 * SQL of a field's transform of the DOUBLE `x` with the training split's statistics: FLOAT for a
 * dense value, INTEGER for a bucket id (transform `buckets`).
 */
export function numericExpression(stats: NumericStatistics, x: string): string {
  if (stats.transform === 'buckets') {
    const boundaries = stats.boundaries ?? [];
    const list = boundaries.length === 0 ? '[]::DOUBLE[]' : `[${boundaries.map(numberLiteral).join(', ')}]`;
    return `(1 + len(list_filter(${list}, b -> ${x} >= b)))::INTEGER`;
  }
  const scale = stats.std > 0 ? stats.std : 1;
  const range = stats.max > stats.min ? stats.max - stats.min : 1;
  const expression =
    stats.transform === 'log1p'
      ? `ln(1 + ${x})`
      : stats.transform === 'standardize'
        ? `(${x} - ${numberLiteral(stats.mean)}) / ${numberLiteral(scale)}`
        : stats.transform === 'minmax'
          ? `(${x} - ${numberLiteral(stats.min)}) / ${numberLiteral(range)}`
          : x;
  return `(${expression})::FLOAT`;
}

export async function planNumeric(session: DuckSession, config: TableConfig): Promise<NumericPlan> {
  const statistics: NumericStatistics[] = [];
  const expressions = new Map<number, string>();
  const bucketSpaces: IdSpaceSpec[] = [];
  for (const [i, field] of config.fields.entries()) {
    if (field.type !== 'numeric') continue;
    const x = col.number(i);
    const count = typeof field.buckets === 'number' ? field.buckets : 0;
    const quantiles =
      field.transform === 'buckets' && count > 0
        ? `, quantile_cont(${x}, [${Array.from({ length: count - 1 }, (_, j) => (j + 1) / count).join(', ')}])`
        : '';
    const [row] = await session.rows(
      `SELECT avg(${x}), stddev_pop(${x}), min(${x}), max(${x})${quantiles} FROM rows WHERE ${USED} AND __split = 'train'`,
    );
    const [mean, std, min, max] = [0, 1, 2, 3].map((j) => Number(row?.[j] ?? 0)) as [
      number,
      number,
      number,
      number,
    ];
    const stats: NumericStatistics = { field: field.name, transform: field.transform, mean, std, min, max };
    if (field.transform === 'buckets') {
      const raw =
        count > 0 ? ((row?.[4] as { items?: unknown[] } | null)?.items ?? []) : (field.buckets as number[]);
      const boundaries = quantileBoundaries(raw);
      statistics.push({ ...stats, boundaries });
      expressions.set(i, numericExpression({ ...stats, boundaries }, x));
      bucketSpaces.push(bucketSpace(field, boundaries));
      continue;
    }
    statistics.push(stats);
    expressions.set(i, numericExpression(stats, x));
  }
  return { statistics, expressions, bucketSpaces };
}
