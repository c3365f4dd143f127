/**
 * Reads one file set into a DuckDB table, untyped: CSV/TSV columns as text (so our own checks can
 * locate bad values), JSON lines as raw text parsed per column later, Parquet as typed. Malformed
 * CSV lines go to a rejects table (DuckDB records their line numbers) instead of failing the read.
 * Rows keep file order (`preserve_insertion_order`).
 */
import { ConfigError, closestMatch } from '@dtrn/base';
import type { FileSet } from '../config/types.js';
import type { DuckSession } from '../duckdb/session.js';
import { ident, literal, literalList } from '../duckdb/sql.js';

export interface SourceTable {
  /** DuckDB view (table for JSON lines): `__file`, data columns (JSON lines: `__line`, `__ok`). */
  readonly table: string;
  readonly files: FileSet;
  /** Columns available to the config. */
  readonly columns: readonly string[];
  /** DuckDB types of the columns (Parquet), by name. */
  readonly types: Readonly<Record<string, string>>;
  /** CSV rejects table (malformed lines), if any. */
  readonly rejects: string | undefined;
}

/** DuckDB's `nullstr` must be non-empty: an impossible marker stands for "no null values". */
const NO_NULL_MARKER = '\u0000\u0001no-null\u0001\u0000';

function pathList(files: FileSet): string {
  return literalList(files.paths);
}

function csvRead(files: FileSet, rejects: string): string {
  const { read } = files;
  const options = [
    `delim = ${literal(read.delimiter)}`,
    `header = ${read.header}`,
    `quote = '"'`,
    `escape = '"'`,
    `skip = ${read.skipRows}`,
    'all_varchar = true',
    `nullstr = ${literalList(read.nullValues.length > 0 ? read.nullValues : [NO_NULL_MARKER])}`,
    'filename = true',
    'store_rejects = true',
    `rejects_table = ${literal(rejects)}`,
    `rejects_scan = ${literal(`${rejects}_scan`)}`,
  ];
  if (read.columns) options.push(`names = ${literalList(read.columns)}`);
  return `read_csv(${pathList(files)}, ${options.join(', ')})`;
}

function jsonlRead(files: FileSet, rejects: string): string {
  // One text column per line: \x01 cannot appear unescaped in valid JSON, so it never splits a line.
  return `read_csv(${pathList(files)}, columns = {'__line': 'VARCHAR'}, delim = '\x01', quote = '', escape = '', header = false, skip = ${files.read.skipRows}, filename = true, store_rejects = true, rejects_table = ${literal(rejects)}, rejects_scan = ${literal(`${rejects}_scan`)})`;
}

function describeError(files: FileSet, error: unknown): ConfigError {
  const message = (error as Error).message;
  const missing = /No files found|does not exist|cannot open file|No such file/i.test(message);
  return new ConfigError(
    missing
      ? `cannot read ${files.paths.join(', ')}: no such file`
      : `cannot read ${files.paths.join(', ')} as ${files.read.format}: ${message.split('\n')[0]}`,
    { expected: `readable ${files.read.format} file(s)`, cause: error },
  );
}

/**
 * Replaces a JSON-lines table by one with a text column per key (keys of the first 10,000 valid
 * lines), keeping `__line` and `__ok` for list values. Returns the keys.
 */
async function extractJsonColumns(session: DuckSession, table: string): Promise<string[]> {
  const keys = (
    await session.rows(
      `SELECT DISTINCT unnest(json_keys(__line)) FROM (SELECT __line FROM ${ident(table)} WHERE __ok LIMIT 10000) ORDER BY 1`,
    )
  ).map((row) => String(row[0]));
  const extracted = keys
    .filter((key) => !key.startsWith('__'))
    .map((key) => `CASE WHEN __ok THEN __line ->> ${literal(jsonKey(key))} END AS ${ident(key)}`);
  const lines = `${table}_lines`;
  await session.run(`ALTER TABLE ${ident(table)} RENAME TO ${ident(lines)}`);
  await session.run(
    `CREATE TABLE ${ident(table)} AS SELECT __file, __line, __ok${extracted.map((e) => `, ${e}`).join('')} FROM ${ident(lines)}`,
  );
  await session.run(`DROP TABLE ${ident(lines)}`);
  return keys;
}

/** The JSON path of a top-level key: `$."key"`. */
export function jsonKey(column: string): string {
  return `$."${column.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** Loads `files` into table `table` (at most `limitRows` rows). */
export async function loadSource(
  session: DuckSession,
  files: FileSet,
  table: string,
  limitRows: number | undefined,
): Promise<SourceTable> {
  const limit = limitRows === undefined ? '' : ` LIMIT ${limitRows}`;
  const rejects = `${table}_rejects`;
  const format = files.read.format;
  let select: string;
  if (format === 'csv' || format === 'tsv') {
    select = `SELECT filename AS __file, * EXCLUDE (filename) FROM ${csvRead(files, rejects)}${limit}`;
  } else if (format === 'jsonl') {
    select = `SELECT filename AS __file, __line, CASE WHEN json_valid(__line) THEN json_type(__line) = 'OBJECT' ELSE false END AS __ok FROM ${jsonlRead(files, rejects)}${limit}`;
  } else {
    select = `SELECT filename AS __file, * EXCLUDE (filename) FROM read_parquet(${pathList(files)}, filename = true)${limit}`;
  }
  try {
    // JSON lines are parsed once into a table; CSV, TSV and Parquet stay views over the files, read
    // once when the rows are typed (and again only to quote a bad value in a message).
    const kind = format === 'jsonl' ? 'TABLE' : 'VIEW';
    await session.run(`CREATE ${kind} ${ident(table)} AS ${select}`);
  } catch (error) {
    throw describeError(files, error);
  }
  let described: unknown[][];
  try {
    described = await session.rows(`DESCRIBE ${ident(table)}`);
  } catch (error) {
    throw describeError(files, error);
  }
  const types: Record<string, string> = {};
  for (const row of described) types[String(row[0])] = String(row[1]);
  let columns = Object.keys(types).filter((name) => !name.startsWith('__'));
  if (format === 'jsonl') columns = await extractJsonColumns(session, table);
  return { table, files, columns, types, rejects: format === 'parquet' ? undefined : rejects };
}

/** Throws a ConfigError when `column` is not in `source` (naming the closest column). */
export function requireColumn(source: SourceTable, column: string, where: string): void {
  if (source.columns.includes(column)) return;
  const closest = closestMatch(column, source.columns);
  const seen = source.files.read.format === 'jsonl' ? ' (keys of the first 10,000 valid lines)' : '';
  throw new ConfigError(
    `${where}: no column "${column}" in ${source.files.paths.join(', ')}${seen}${closest ? `; did you mean "${closest}"?` : ''}`,
    { expected: `one of ${source.columns.map((c) => `"${c}"`).join(', ')}` },
  );
}
