/**
 * Typed values of a sample row and the bad-input checks on them (DATA.md): every check is a SQL
 * condition with a reason, the column it looks at and what was expected. The first failing check of
 * a row is its reason; the row's value is fetched again only when a located error or example is
 * reported.
 */
import type { NumericField, TableConfig, TaskConfig } from '../config/types.js';
import { literalList, numberLiteral } from '../duckdb/sql.js';
import type { SourceTable } from '../read/load-source.js';
import { malformedSql, valueSql } from '../read/source-values.js';

/** Largest finite float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;

export interface RowCheck {
  readonly reason: string;
  readonly expected: string;
  /** Column the check reads (undefined for a malformed line). */
  readonly column: string | undefined;
  /** SQL: true when the row fails the check. */
  readonly condition: string;
}

const double = (value: string) => `TRY_CAST(${value} AS DOUBLE)`;

/** A number, or a timestamp as milliseconds since 1970 (ISO text or a Parquet timestamp). */
export function timeSql(value: string): string {
  return `COALESCE(${double(value)}, epoch_ms(TRY_CAST(${value} AS TIMESTAMP))::DOUBLE)`;
}

function numberChecks(value: string, column: string, what: string, nullable: boolean): RowCheck[] {
  const x = double(value);
  const checks: RowCheck[] = [];
  if (!nullable) {
    checks.push({ reason: `missing ${what}`, expected: `a ${what}`, column, condition: `${value} IS NULL` });
  }
  checks.push(
    {
      reason: `${what} is not a number`,
      expected: 'a number',
      column,
      condition: `${value} IS NOT NULL AND ${x} IS NULL`,
    },
    { reason: `${what} is not finite`, expected: 'a finite number', column, condition: `NOT isfinite(${x})` },
    {
      reason: `${what} overflows float32`,
      expected: `a number within +-${FLOAT32_MAX.toExponential(6)} (float32)`,
      column,
      condition: `abs(${x}) > ${numberLiteral(FLOAT32_MAX)}`,
    },
  );
  return checks;
}

function numericChecks(source: SourceTable, field: NumericField): RowCheck[] {
  const value = valueSql(source, field.column);
  const checks = numberChecks(value, field.column, 'value', field.fill !== undefined);
  if (field.transform === 'log1p') {
    checks.push({
      reason: 'value <= -1 under log1p',
      expected: 'a value > -1 (transform log1p)',
      column: field.column,
      condition: `${double(value)} <= -1`,
    });
  }
  return checks;
}

function labelChecks(source: SourceTable, task: TaskConfig): RowCheck[] {
  const value = valueSql(source, task.column);
  if (task.threshold !== undefined) return numberChecks(value, task.column, 'label', false);
  const checks: RowCheck[] = [
    { reason: 'missing label', expected: 'a label', column: task.column, condition: `${value} IS NULL` },
  ];
  if (task.negative) {
    const known = [...task.positive!, ...task.negative];
    checks.push({
      reason: 'label is neither positive nor negative',
      expected: `one of ${known.map((v) => JSON.stringify(v)).join(', ')}`,
      column: task.column,
      condition: `NOT list_contains(${literalList(known)}, ${value})`,
    });
  }
  return checks;
}

/** The label as FLOAT 0/1 (NULL where a check fails). */
export function labelSql(source: SourceTable, task: TaskConfig): string {
  const value = valueSql(source, task.column);
  if (task.threshold !== undefined) return `(${double(value)} >= ${numberLiteral(task.threshold)})::FLOAT`;
  return `(CASE WHEN list_contains(${literalList(task.positive!)}, ${value}) THEN 1 ELSE 0 END)::FLOAT`;
}

/** The columns the sample rows need besides fields and labels. */
export interface ExtraColumns {
  /** The samples' time (sequences built from events). */
  readonly time: string | undefined;
  /** The time a split by time orders by. */
  readonly splitTime: string | undefined;
  /** The samples' user (sequences built from events). */
  readonly user: string | undefined;
  /** The column a split by column hashes. */
  readonly splitKey: string | undefined;
  /** A group column that is not a field (GAUC groups only). */
  readonly group: string | undefined;
}

export function extraColumns(config: TableConfig): ExtraColumns {
  const rule = config.split?.rule;
  const sequences = config.sequences?.kind === 'events' ? config.sequences : undefined;
  return {
    time: sequences?.time,
    splitTime: rule?.kind === 'time' ? rule.column : undefined,
    user: sequences?.user,
    splitKey: rule?.kind === 'column' ? rule.column : undefined,
    group: config.group && 'column' in config.group ? config.group.column : undefined,
  };
}

function timeChecks(source: SourceTable, column: string): RowCheck[] {
  const value = valueSql(source, column);
  return [
    { reason: 'missing time', expected: 'a time', column, condition: `${value} IS NULL` },
    {
      reason: 'time is not a number or timestamp',
      expected: 'a number or an ISO timestamp',
      column,
      condition: `${timeSql(value)} IS NULL OR NOT isfinite(${timeSql(value)})`,
    },
  ];
}

/** Every check of a sample row, in the order they are tried. */
export function rowChecks(source: SourceTable, config: TableConfig): RowCheck[] {
  const checks: RowCheck[] = [
    {
      reason: 'malformed line',
      expected: 'a JSON object',
      column: undefined,
      condition: malformedSql(source),
    },
  ];
  for (const field of config.fields)
    if (field.type === 'numeric') checks.push(...numericChecks(source, field));
  for (const task of config.tasks) checks.push(...labelChecks(source, task));
  const extra = extraColumns(config);
  if (extra.time !== undefined) checks.push(...timeChecks(source, extra.time));
  if (extra.splitTime !== undefined && extra.splitTime !== extra.time)
    checks.push(...timeChecks(source, extra.splitTime));
  const keyed: [string | undefined, string][] = [
    [extra.user, 'user'],
    [extra.splitKey, 'split key'],
    [extra.group, 'group'],
  ];
  for (const [column, what] of keyed) {
    if (column === undefined) continue;
    const value = valueSql(source, column);
    checks.push({
      reason: `missing ${what}`,
      expected: `a ${what} value`,
      column,
      condition: `${value} IS NULL`,
    });
  }
  return checks.filter((check) => check.condition !== 'false');
}

/** `CASE` giving the index of the first failing check, NULL when the row passes. */
export function firstFailingSql(checks: readonly RowCheck[]): string {
  if (checks.length === 0) return 'NULL::INTEGER';
  return `(CASE ${checks.map((check, index) => `WHEN ${check.condition} THEN ${index}`).join(' ')} END)::INTEGER`;
}
