/**
 * Under `oov: error`, an id without a row (unseen in training, or rarer than minFrequency) is bad
 * input: a located error, or a counted skip. Runs once the vocabularies exist.
 */
import { DataError, formatLocation } from '@dtrn/base';
import type { TableConfig } from '../config/types.js';
import type { DuckSession } from '../duckdb/session.js';
import { locateRow } from '../read/locate.js';
import type { RowAccounting, SplitCounts } from './account-rows.js';
import { col, type RowSource, USED } from './build-rows.js';
import type { RowCheck } from './row-checks.js';
import { type BuiltVocabulary, knownIdSql, lookupJoin } from './vocabularies.js';

interface Probe {
  readonly column: string;
  readonly space: string;
  /** SQL of `(row_id, __src, key)` of used rows whose key has no row. */
  readonly sql: string;
}

function probes(config: TableConfig, vocabularies: readonly BuiltVocabulary[]): Probe[] {
  const strict = new Map(vocabularies.filter((v) => v.config.oov === 'error').map((v) => [v.config.name, v]));
  const list: Probe[] = [];
  config.fields.forEach((field, i) => {
    const vocabulary = field.type === 'categorical' ? strict.get(field.idSpace) : undefined;
    if (!vocabulary || field.type !== 'categorical') return;
    list.push({
      column: field.column,
      space: field.idSpace,
      sql: `SELECT rows.rowid AS row_id, __src, ${col.key(i)} AS key FROM rows ${lookupJoin(vocabulary, 'v', col.key(i))} WHERE ${USED} AND ${col.key(i)} IS NOT NULL AND ${knownIdSql(vocabulary, col.key(i), 'v')} IS NULL`,
    });
  });
  const sequences = config.sequences;
  const items = sequences ? strict.get(sequences.idSpace) : undefined;
  if (sequences?.kind === 'list' && items) {
    sequences.behaviors.forEach((behavior, m) => {
      list.push({
        column: behavior.column,
        space: items.config.name,
        sql: `SELECT u.row_id, u.__src, u.key FROM (SELECT rowid AS row_id, __src, unnest(${col.list(m)}) AS key FROM rows WHERE ${USED}) u ${lookupJoin(items, 'v', 'u.key')} WHERE ${knownIdSql(items, 'u.key', 'v')} IS NULL`,
      });
    });
  }
  return list;
}

/**
 * Finds used rows with an unknown id under `oov: error`: throws (error mode) or marks them bad with
 * the reason appended to their source's checks (skip mode) and moves them from used to skipped.
 */
export async function checkUnknownIds(
  session: DuckSession,
  config: TableConfig,
  sources: readonly RowSource[],
  checks: RowCheck[][],
  vocabularies: readonly BuiltVocabulary[],
  accounting: RowAccounting,
): Promise<RowAccounting> {
  const skipped = [...accounting.skipped];
  for (const probe of probes(config, vocabularies)) {
    const reason = `unknown id in id space "${probe.space}" (oov error)`;
    const minFrequency = vocabularies.find((v) => v.config.name === probe.space)!.config.minFrequency;
    const expected = `an id seen in training at least ${minFrequency} time(s)`;
    const [first] = await session.rows(
      `SELECT row_id, __src, key FROM (${probe.sql}) ORDER BY row_id LIMIT 1`,
    );
    if (!first) continue;
    const src = Number(first[1]);
    const { where } = await locateRow(
      session,
      sources[src]!.source,
      'rows',
      Number(first[0]),
      probe.column,
      undefined,
    );
    if (config.badInput === 'error') {
      throw new DataError(`bad input: ${reason}; set badInput: skip to skip and count such rows`, {
        where,
        expected,
        found: first[2],
      });
    }
    const bySplit = await session.rows(
      `SELECT r.__split, count(DISTINCT p.row_id) FROM (${probe.sql}) p JOIN rows r ON r.rowid = p.row_id GROUP BY 1`,
    );
    let count = 0;
    for (const [split, n] of bySplit) {
      const entry = accounting.splits[split as keyof typeof accounting.splits] as SplitCounts;
      entry.used -= Number(n);
      entry.skipped += Number(n);
      count += Number(n);
    }
    const index = checks[0]!.length;
    for (const list of checks) list.push({ reason, expected, column: probe.column, condition: 'false' });
    await session.run(`UPDATE rows SET __bad = ${index} WHERE rowid IN (SELECT row_id FROM (${probe.sql}))`);
    skipped.push({ reason, count, example: `${formatLocation(where)} (found ${JSON.stringify(first[2])})` });
  }
  return { ...accounting, skipped };
}
