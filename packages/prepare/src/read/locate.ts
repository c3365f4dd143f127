/**
 * Where a row came from, for error messages: DuckDB keeps rows in file order but does not number
 * the lines of good CSV rows, so the line of the n-th record is found by reading the file up to it
 * (only when an error or example is reported). JSON lines are one record a line; Parquet has rows.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { ErrorLocation } from '@dtrn/base';
import type { DuckSession } from '../duckdb/session.js';
import { ident, literal } from '../duckdb/sql.js';
import type { SourceTable } from './load-source.js';

/** Malformed lines DuckDB rejected, per file (absolute line numbers). */
export async function rejectedLines(
  session: DuckSession,
  source: SourceTable,
): Promise<Map<string, Set<number>>> {
  const byFile = new Map<string, Set<number>>();
  if (!source.rejects) return byFile;
  const rows = await session.rows(
    `SELECT s.file_path, e.line FROM ${ident(source.rejects)} e JOIN ${ident(`${source.rejects}_scan`)} s USING (scan_id, file_id)`,
  );
  for (const [file, line] of rows) {
    const set = byFile.get(String(file)) ?? new Set<number>();
    set.add(Number(line));
    byFile.set(String(file), set);
  }
  return byFile;
}

/** The 1-based line where the `ordinal`-th record of a CSV file starts. */
async function csvLineOf(
  file: string,
  ordinal: number,
  source: SourceTable,
  rejected: ReadonlySet<number>,
): Promise<number | undefined> {
  const stream = createReadStream(file);
  const input = file.toLowerCase().endsWith('.gz') ? stream.pipe(createGunzip()) : stream;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  const { skipRows, header } = source.files.read;
  let line = 0;
  let records = 0;
  let headerSeen = !header;
  let openQuote = false;
  try {
    for await (const text of lines) {
      line++;
      const quotes = text.split('"').length - 1;
      if (openQuote) {
        if (quotes % 2 === 1) openQuote = false;
        continue;
      }
      if (quotes % 2 === 1) openQuote = true;
      if (line <= skipRows || text.length === 0 || rejected.has(line)) continue;
      if (!headerSeen) {
        headerSeen = true;
        continue;
      }
      records++;
      if (records === ordinal) return line;
    }
  } finally {
    lines.close();
    stream.destroy();
  }
  return undefined;
}

/**
 * Where row `rowId` of `table` (`rows` or `events`, which keep each source's records in file order
 * with their `__file`) came from, and its raw `column` value: file and line (CSV, JSON lines) or
 * file and row index (Parquet).
 */
export async function locateRow(
  session: DuckSession,
  source: SourceTable,
  table: string,
  rowId: number,
  column: string | undefined,
  valueSql: string | undefined,
): Promise<{ where: ErrorLocation; found: unknown }> {
  const [row] = await session.rows(`SELECT __file FROM ${table} WHERE rowid = ${rowId}`);
  const file = String(row?.[0] ?? source.files.paths[0]);
  const sameSource = table === 'rows' ? `__src = (SELECT __src FROM rows WHERE rowid = ${rowId}) AND ` : '';
  const [count] = await session.rows(
    `SELECT count(*) FROM ${table} WHERE ${sameSource}__file = ${literal(file)} AND rowid <= ${rowId}`,
  );
  return locateRecord(session, source, file, Number(count?.[0] ?? 0), column, valueSql);
}

/**
 * Where the `ordinal`-th record (1-based) of `file` in `source` is, and its raw value (`valueSql`
 * over the source): file and line (CSV, JSON lines) or file and row index (Parquet).
 */
export async function locateRecord(
  session: DuckSession,
  source: SourceTable,
  file: string,
  ordinal: number,
  column: string | undefined,
  valueSql: string | undefined,
): Promise<{ where: ErrorLocation; found: unknown }> {
  let found: unknown = null;
  if (valueSql !== undefined) {
    const [value] = await session.rows(
      `SELECT ${valueSql} FROM ${ident(source.table)} WHERE __file = ${literal(file)} LIMIT 1 OFFSET ${ordinal - 1}`,
    );
    found = value?.[0] ?? null;
  }
  const withColumn = column === undefined ? {} : { column };
  const format = source.files.read.format;
  let where: ErrorLocation;
  if (format === 'parquet') where = { file, index: ordinal - 1, ...withColumn };
  else if (format === 'jsonl') where = { file, line: source.files.read.skipRows + ordinal, ...withColumn };
  else {
    const rejected = (await rejectedLines(session, source)).get(file) ?? new Set<number>();
    const line = await csvLineOf(file, ordinal, source, rejected);
    where = line === undefined ? { file, index: ordinal - 1, ...withColumn } : { file, line, ...withColumn };
  }
  return { where, found };
}
