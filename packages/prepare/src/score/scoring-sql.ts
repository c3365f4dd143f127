/**
 * The one streaming SELECT that scores a file: the source's columns typed and checked as
 * `buildRows` does (same checks, same reasons), then mapped with the run's vocabularies and
 * statistics into model inputs, in file order. Output columns, in order: `__file`, `__bad` (index
 * of the first failing check, NULL when the row is good), `__filtered` (the filter's reason), the
 * sparse ids, the dense values, the sequences (INTEGER[], oldest first) and the kept columns (text).
 * Values of rows that are bad or filtered are placeholders (0) that the reader drops.
 */
import type { TableConfig } from '../config/types.js';
import { ident, numberLiteral } from '../duckdb/sql.js';
import type { SourceTable } from '../read/load-source.js';
import { blankSql, listSql, valueSql } from '../read/source-values.js';
import { col, filteredSql } from '../stages/build-rows.js';
import type { NumericStatistics } from '../stages/numeric-transforms.js';
import { numericExpression } from '../stages/numeric-transforms.js';
import { firstFailingSql, type RowCheck, rowChecks } from '../stages/row-checks.js';
import { type BuiltVocabulary, knownIdSql } from '../stages/vocabularies.js';
import { savedIdSql } from './saved-state.js';

export interface ScoringPlan {
  readonly sql: string;
  /** Every check in `__bad` order: the row checks, then unknown ids under `oov: error`. */
  readonly checks: readonly RowCheck[];
  readonly sparse: number;
  readonly dense: number;
  readonly sequences: number;
  readonly keep: number;
}

const keepColumn = (j: number) => `keep_${j}`;

function unknownIdChecks(
  config: TableConfig,
  vocabularyOf: (space: string) => BuiltVocabulary,
): { readonly check: RowCheck; readonly sql: string }[] {
  const list: { check: RowCheck; sql: string }[] = [];
  const reason = (space: string) => `unknown id in id space "${space}" (oov error)`;
  const expected = (v: BuiltVocabulary) => `an id seen in training at least ${v.config.minFrequency} time(s)`;
  config.fields.forEach((field, i) => {
    if (field.type !== 'categorical') return;
    const vocabulary = vocabularyOf(field.idSpace);
    if (vocabulary.config.oov !== 'error') return;
    const key = col.key(i);
    list.push({
      check: {
        reason: reason(field.idSpace),
        expected: expected(vocabulary),
        column: field.column,
        condition: '',
      },
      sql: `${key} IS NOT NULL AND ${knownIdSql(vocabulary, key, '')} IS NULL`,
    });
  });
  const sequences = config.sequences;
  if (sequences?.kind === 'list') {
    const items = vocabularyOf(sequences.idSpace);
    if (items.config.oov === 'error') {
      sequences.behaviors.forEach((behavior, m) => {
        list.push({
          check: {
            reason: reason(sequences.idSpace),
            expected: expected(items),
            column: behavior.column,
            condition: '',
          },
          sql: `len(list_filter(${col.list(m)}, x -> ${knownIdSql(items, 'x', '')} IS NULL)) > 0`,
        });
      });
    }
  }
  return list;
}

export function scoringPlan(
  config: TableConfig,
  source: SourceTable,
  vocabularies: readonly BuiltVocabulary[],
  statistics: ReadonlyMap<number, NumericStatistics>,
  keep: readonly string[],
): ScoringPlan {
  const vocabularyOf = (space: string) => vocabularies.find((v) => v.config.name === space)!;
  // Labels are not read: new data need not have them, and a scorer must not drop rows for them.
  const unlabeled: TableConfig = { ...config, tasks: [] };
  const checks = rowChecks(source, unlabeled);
  const inner: string[] = [
    '__file',
    `${blankSql(source)} AS __blank`,
    `${firstFailingSql(checks)} AS __bad0`,
    `${filteredSql(source, unlabeled)} AS __filtered`,
  ];
  config.fields.forEach((field, i) => {
    const value = valueSql(source, field.column);
    if (field.type === 'categorical') inner.push(`${value} AS ${col.key(i)}`);
    else {
      const fill = field.fill === undefined ? '' : `, ${numberLiteral(field.fill)}`;
      inner.push(`COALESCE(TRY_CAST(${value} AS DOUBLE)${fill}) AS ${col.number(i)}`);
    }
  });
  const behaviors = config.sequences?.kind === 'list' ? config.sequences.behaviors : [];
  behaviors.forEach((b, m) => {
    inner.push(
      `COALESCE((${listSql(source, b.column, b.separator)})[-${b.maxLength}:], []::VARCHAR[]) AS ${col.list(m)}`,
    );
  });
  keep.forEach((column, j) => {
    inner.push(`${valueSql(source, column)} AS ${keepColumn(j)}`);
  });

  const unknown = unknownIdChecks(config, vocabularyOf);
  const allChecks = [...checks, ...unknown.map((u) => u.check)];
  const unknownCase =
    unknown.length === 0
      ? 'NULL::INTEGER'
      : `(CASE ${unknown.map((u, j) => `WHEN ${u.sql} THEN ${checks.length + j}`).join(' ')} END)::INTEGER`;
  const ok = '(__bad0 IS NULL AND __filtered IS NULL)';
  const sparse: string[] = [];
  const dense: string[] = [];
  config.fields.forEach((field, i) => {
    if (field.type === 'categorical') {
      const key = col.key(i);
      const id = savedIdSql(vocabularyOf(field.idSpace), key);
      sparse.push(`COALESCE(CASE WHEN ${key} IS NULL THEN 0 ELSE ${id} END, 0)::INTEGER`);
      return;
    }
    const expression = numericExpression(statistics.get(i)!, col.number(i));
    if (field.transform === 'buckets')
      sparse.push(`(CASE WHEN ${ok} THEN ${expression} ELSE 0 END)::INTEGER`);
    else dense.push(`(CASE WHEN ${ok} THEN ${expression} ELSE 0 END)::FLOAT`);
  });
  const sequences = behaviors.map((_, m) => {
    const items = vocabularyOf(config.sequences!.idSpace);
    return `list_transform(${col.list(m)}, x -> COALESCE(${savedIdSql(items, 'x')}, 0))::INTEGER[]`;
  });
  const outer = [
    '__file',
    `COALESCE(__bad0, ${unknownCase}) AS __bad`,
    '__filtered',
    ...sparse,
    ...dense,
    ...sequences,
    ...keep.map((_, j) => keepColumn(j)),
  ];
  return {
    sql: `SELECT ${outer.join(', ')} FROM (SELECT ${inner.join(', ')} FROM ${ident(source.table)}) WHERE NOT __blank`,
    checks: allChecks,
    sparse: sparse.length,
    dense: dense.length,
    sequences: sequences.length,
    keep: keep.length,
  };
}
