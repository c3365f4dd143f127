/**
 * Stage "check": bad input per DATA.md. Under `badInput: error` the first bad row (or malformed
 * line) is a DataError naming file, line, column, value and what was expected; under `skip` bad
 * rows are counted by reason (with the first one's location as an example) and removed. Rows a rule
 * drops (the filter, a positive outside its sample space) are counted as filtered. Every row read is
 * accounted for: read = used + skipped + filtered, per split. Rows stay in the table; `USED` marks
 * the ones kept.
 */
import { DataError, type ErrorLocation, formatLocation } from '@dtrn/base';
import type { SplitName, TableConfig } from '../config/types.js';
import type { DuckSession } from '../duckdb/session.js';
import { ident } from '../duckdb/sql.js';
import { locateRow } from '../read/locate.js';
import { valueSql } from '../read/source-values.js';
import type { RowSource } from './build-rows.js';
import type { RowCheck } from './row-checks.js';

export interface SplitCounts {
  read: number;
  used: number;
  skipped: number;
  filtered: number;
}

/** `unassigned`: malformed lines and rows whose split key is bad (one file split by rule). */
export type CountedSplit = SplitName | 'unassigned';

export interface ReasonCount {
  readonly reason: string;
  readonly count: number;
  /** Where the first such row is, e.g. `data.csv:17:age (found "abc")`. */
  readonly example: string;
}

export interface RowAccounting {
  readonly splits: Record<CountedSplit, SplitCounts>;
  readonly skipped: readonly ReasonCount[];
  readonly filtered: readonly { readonly reason: string; readonly count: number }[];
}

interface BadRow {
  readonly src: number;
  /** `rows.rowid`. */
  readonly rowId: number;
  readonly check: RowCheck;
}

async function describeBadRow(session: DuckSession, sources: readonly RowSource[], bad: BadRow) {
  const { source } = sources[bad.src]!;
  const column = bad.check.column;
  const value =
    column !== undefined
      ? valueSql(source, column)
      : source.files.read.format === 'jsonl'
        ? '__line'
        : undefined;
  return locateRow(session, source, 'rows', bad.rowId, column, value);
}

export interface Rejected {
  readonly src: number;
  readonly file: string;
  readonly line: number;
  readonly type: string;
  readonly text: string;
  readonly message: string;
}

/** Malformed lines DuckDB rejected while reading the sources, by file and line. */
export async function rejectedRows(session: DuckSession, sources: readonly RowSource[]): Promise<Rejected[]> {
  const all: Rejected[] = [];
  for (const [src, { source }] of sources.entries()) {
    if (!source.rejects) continue;
    const rows = await session.rows(
      `SELECT s.file_path, e.line, any_value(e.error_type), any_value(e.csv_line), any_value(e.error_message) FROM ${ident(source.rejects)} e JOIN ${ident(`${source.rejects}_scan`)} s USING (scan_id, file_id) GROUP BY ALL ORDER BY 1, 2`,
    );
    for (const [file, line, type, text, message] of rows) {
      all.push({
        src,
        file: String(file),
        line: Number(line),
        type: String(type),
        text: String(text),
        message: String(message),
      });
    }
  }
  return all;
}

export function rejectedError(rejected: Rejected, badInput: string): DataError {
  const expected = rejected.message.replace(/^Expected Number of Columns: (\d+) Found: (\d+)$/, '$1 columns');
  return new DataError(`malformed line (${rejected.type.toLowerCase()}): ${rejected.message}${badInput}`, {
    where: { file: rejected.file, line: rejected.line },
    expected,
    found: rejected.text,
  });
}

/** Rows that count as bad input (a filtered row is filtered, whatever else is wrong with it). */
const BAD = '(NOT __blank AND __bad IS NOT NULL AND __filtered IS NULL)';

const SKIP_HINT = '; set badInput: skip to skip and count such rows';

/** Counts, reports or throws bad input; then removes every row that is not used. */
export async function accountRows(
  session: DuckSession,
  config: TableConfig,
  sources: readonly RowSource[],
  checks: readonly (readonly RowCheck[])[],
): Promise<RowAccounting> {
  const rejected = await rejectedRows(session, sources);
  const errorMode = config.badInput === 'error';
  if (errorMode && rejected.length > 0) throw rejectedError(rejected[0]!, SKIP_HINT);
  if (errorMode) {
    const [first] = await session.rows(
      `SELECT __src, rowid, __bad FROM rows WHERE ${BAD} ORDER BY rowid LIMIT 1`,
    );
    if (first) {
      const bad = {
        src: Number(first[0]),
        rowId: Number(first[1]),
        check: checks[Number(first[0])]![Number(first[2])]!,
      };
      const { where, found } = await describeBadRow(session, sources, bad);
      throw new DataError(`bad input: ${bad.check.reason}${SKIP_HINT}`, {
        where,
        expected: bad.check.expected,
        found,
      });
    }
  }
  const splits = {} as Record<CountedSplit, SplitCounts>;
  for (const name of ['train', 'validation', 'test', 'unassigned'] as const) {
    splits[name] = { read: 0, used: 0, skipped: 0, filtered: 0 };
  }
  const counts = await session.rows(
    `SELECT coalesce(__split, 'unassigned'), count(*) FILTER (WHERE __filtered IS NOT NULL), count(*) FILTER (WHERE ${BAD}), count(*) FILTER (WHERE __filtered IS NULL AND __bad IS NULL), count(*) FROM rows WHERE NOT __blank GROUP BY ALL`,
  );
  for (const [split, filtered, skipped, used, read] of counts) {
    const entry = splits[split as CountedSplit];
    entry.filtered += Number(filtered);
    entry.skipped += Number(skipped);
    entry.used += Number(used);
    entry.read += Number(read);
  }
  for (const row of rejected) {
    const part = sources[row.src]!.part;
    const entry = splits[part === 'all' ? 'unassigned' : part];
    entry.read++;
    entry.skipped++;
  }
  const skipped: ReasonCount[] = [];
  const byReason = await session.rows(
    `SELECT __src, __bad, count(*), min(rowid) FROM rows WHERE ${BAD} GROUP BY ALL ORDER BY 4`,
  );
  const merged = new Map<string, { count: number; first?: BadRow }>();
  for (const [src, index, count, firstRowId] of byReason) {
    const check = checks[Number(src)]![Number(index)]!;
    const entry = merged.get(check.reason) ?? { count: 0 };
    entry.count += Number(count);
    entry.first ??= { src: Number(src), rowId: Number(firstRowId), check };
    merged.set(check.reason, entry);
  }
  for (const [reason, entry] of merged) {
    const { where, found } = await describeBadRow(session, sources, entry.first!);
    skipped.push({ reason, count: entry.count, example: example(where, found) });
  }
  const malformed = new Map<string, Rejected[]>();
  for (const row of rejected) malformed.set(row.type, [...(malformed.get(row.type) ?? []), row]);
  for (const [type, rows] of malformed) {
    const first = rows[0]!;
    skipped.push({
      reason: `malformed line (${type.toLowerCase()})`,
      count: rows.length,
      example: example({ file: first.file, line: first.line }, first.text),
    });
  }
  const filtered = (
    await session.rows(
      'SELECT __filtered, count(*) FROM rows WHERE NOT __blank AND __filtered IS NOT NULL GROUP BY ALL ORDER BY 2 DESC',
    )
  ).map(([reason, count]) => ({ reason: String(reason), count: Number(count) }));
  return { splits, skipped, filtered };
}

export function example(where: ErrorLocation, found: unknown): string {
  return `${formatLocation(where)} (found ${JSON.stringify(found)})`;
}
