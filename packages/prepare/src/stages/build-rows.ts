/**
 * Stage "type": one table `rows` with every sample row of every source in file order (`rowid`),
 * typed in SQL: categorical keys as text, numbers as DOUBLE, labels as FLOAT, list sequences as
 * text lists cut to their last maxLength items, times as DOUBLE, and per row the index of its first
 * failing bad-input check (`__bad`) and why a rule drops it (`__filtered`: the user's filter, or a
 * positive outside its task's sample space).
 */
import { ConfigError, DataError } from '@dtrn/base';
import type { SplitName, TableConfig } from '../config/types.js';
import type { DuckSession } from '../duckdb/session.js';
import { ident, literal, numberLiteral } from '../duckdb/sql.js';
import { requireColumn, type SourceTable } from '../read/load-source.js';
import { blankSql, listSql, malformedSql, valueSql } from '../read/source-values.js';
import { extraColumns, firstFailingSql, labelSql, type RowCheck, rowChecks, timeSql } from './row-checks.js';

export interface RowSource {
  readonly source: SourceTable;
  /** The split the files belong to, or `all` for one file split by rule. */
  readonly part: SplitName | 'all';
}

/** SQL condition of the rows that are used (not blank, bad, filtered or unsplit). */
export const USED = '(NOT __blank AND __bad IS NULL AND __filtered IS NULL AND __split IS NOT NULL)';

/** Column names in `rows`. */
export const col = {
  key: (i: number) => `k_${i}`,
  number: (i: number) => `x_${i}`,
  label: (k: number) => `y_${k}`,
  list: (m: number) => `s_${m}`,
};

/** Checks that every column the config names exists in `source`. */
function checkColumns(source: SourceTable, config: TableConfig): void {
  const where = 'dataset config';
  for (const [i, field] of config.fields.entries())
    requireColumn(source, field.column, `${where}.fields[${i}].column`);
  for (const [k, task] of config.tasks.entries())
    requireColumn(source, task.column, `${where}.tasks[${k}].column`);
  if (config.sequences?.kind === 'list') {
    for (const [m, b] of config.sequences.behaviors.entries()) {
      requireColumn(source, b.column, `${where}.sequences.behaviors[${m}].column`);
    }
  }
  const extra = extraColumns(config);
  if (extra.time) requireColumn(source, extra.time, `${where}.sequences.time`);
  if (extra.user) requireColumn(source, extra.user, `${where}.sequences.user`);
  if (extra.splitTime) requireColumn(source, extra.splitTime, `${where}.split.by.time`);
  if (extra.splitKey) requireColumn(source, extra.splitKey, `${where}.split.by`);
  if (extra.group) requireColumn(source, extra.group, `${where}.group`);
}

/** The reason a row is filtered (the user's filter, a positive outside its sample space), or NULL. */
export function filteredSql(source: SourceTable, config: TableConfig): string {
  const cases: string[] = [];
  if (config.filter !== undefined) {
    cases.push(`WHEN NOT ${malformedSql(source)} AND NOT coalesce((${config.filter}), false) THEN 'filter'`);
  }
  for (const task of config.tasks) {
    if (task.sampleSpace === undefined) continue;
    const parent = config.tasks.find((t) => t.name === task.sampleSpace)!;
    const reason = `${task.name} positive outside its sample space (${parent.name} negative)`;
    cases.push(
      `WHEN ${labelSql(source, task)} = 1 AND ${labelSql(source, parent)} = 0 THEN ${literal(reason)}`,
    );
  }
  return cases.length === 0 ? 'NULL::VARCHAR' : `(CASE ${cases.join(' ')} END)`;
}

function selectRows(
  index: number,
  entry: RowSource,
  config: TableConfig,
  checks: readonly RowCheck[],
): string {
  const { source } = entry;
  const columns: string[] = [
    `${index} AS __src`,
    '__file',
    `${blankSql(source)} AS __blank`,
    `'${entry.part}' AS __part`,
    `${firstFailingSql(checks)} AS __bad`,
    `${filteredSql(source, config)} AS __filtered`,
  ];
  config.fields.forEach((field, i) => {
    const value = valueSql(source, field.column);
    if (field.type === 'categorical') columns.push(`${value} AS ${col.key(i)}`);
    else {
      const fill = field.fill === undefined ? '' : `, ${numberLiteral(field.fill)}`;
      columns.push(`COALESCE(TRY_CAST(${value} AS DOUBLE)${fill}) AS ${col.number(i)}`);
    }
  });
  for (const [k, task] of config.tasks.entries())
    columns.push(`${labelSql(source, task)} AS ${col.label(k)}`);
  if (config.sequences?.kind === 'list') {
    config.sequences.behaviors.forEach((b, m) => {
      columns.push(
        `COALESCE((${listSql(source, b.column, b.separator)})[-${b.maxLength}:], []::VARCHAR[]) AS ${col.list(m)}`,
      );
    });
  }
  const extra = extraColumns(config);
  if (extra.time) columns.push(`${timeSql(valueSql(source, extra.time))} AS __time`);
  if (extra.splitTime) columns.push(`${timeSql(valueSql(source, extra.splitTime))} AS __split_time`);
  if (extra.user) columns.push(`${valueSql(source, extra.user)} AS __user`);
  if (extra.splitKey) columns.push(`${valueSql(source, extra.splitKey)} AS __split_key`);
  if (extra.group) columns.push(`${valueSql(source, extra.group)} AS __group`);
  return `SELECT ${columns.join(', ')} FROM ${ident(source.table)}`;
}

/** A DuckDB failure while reading: the filter's fault (ConfigError) or the files' (DataError). */
function readFailure(source: SourceTable, config: TableConfig, error: unknown): Error {
  const message = ((error as Error).message ?? String(error)).split('\n')[0]!;
  if (
    config.filter !== undefined &&
    /Binder Error|Parser Error|Conversion Error|Catalog Error/.test(message)
  ) {
    return new ConfigError(`dataset config.filter cannot be evaluated: ${message}`, {
      expected: 'a SQL condition over the columns (CSV, TSV and JSON values are text: cast them)',
      found: config.filter,
      cause: error,
    });
  }
  return new DataError(`cannot read ${source.files.paths.join(', ')}: ${message}`, {
    expected: `readable ${source.files.read.format} file(s) (complete, UTF-8)`,
    cause: error,
  });
}

/**
 * Creates `rows` from the sources, in order: `rowid` is file order and identifies a row from here
 * on (rows are never deleted; `USED` selects the ones kept). Returns each source's checks, indexed
 * by `__bad`.
 */
export async function buildRows(
  session: DuckSession,
  config: TableConfig,
  sources: readonly RowSource[],
): Promise<RowCheck[][]> {
  const allChecks: RowCheck[][] = [];
  for (const [index, entry] of sources.entries()) {
    checkColumns(entry.source, config);
    const checks = rowChecks(entry.source, config);
    allChecks.push(checks);
    const select = selectRows(index, entry, config, checks);
    try {
      await session.run(index === 0 ? `CREATE TABLE rows AS ${select}` : `INSERT INTO rows ${select}`);
    } catch (error) {
      throw readFailure(entry.source, config, error);
    }
  }
  return allChecks;
}
