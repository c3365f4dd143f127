/** SQL expressions that read one column of a loaded source as text, or as a list of texts. */
import { ident, literal, literalList } from '../duckdb/sql.js';
import { jsonKey, type SourceTable } from './load-source.js';

function jsonPath(column: string): string {
  return literal(jsonKey(column));
}

/** `value` with the source's null markers made NULL (CSV/TSV readers do this themselves). */
function withNullMarkers(source: SourceTable, value: string): string {
  const markers = source.files.read.nullValues;
  return markers.length === 0
    ? value
    : `(CASE WHEN list_contains(${literalList(markers)}, ${value}) THEN NULL ELSE ${value} END)`;
}

/** The column as VARCHAR (NULL when missing or a null marker). */
export function valueSql(source: SourceTable, column: string): string {
  const format = source.files.read.format;
  if (format === 'csv' || format === 'tsv') return ident(column);
  // Null markers are text: a typed Parquet column (numbers, timestamps) has none to look for.
  const type = source.types[column];
  if (format === 'parquet' && type !== undefined && type !== 'VARCHAR')
    return `CAST(${ident(column)} AS VARCHAR)`;
  return withNullMarkers(source, `CAST(${ident(column)} AS VARCHAR)`);
}

/**
 * The column as VARCHAR[]: a list value (JSON array, Parquet list) as it is, or a text split at
 * `separator`; empty tokens are dropped (a trailing separator adds no element). NULL stays NULL.
 */
export function listSql(source: SourceTable, column: string, separator: string): string {
  const split = (text: string) => `list_filter(string_split(${text}, ${literal(separator)}), x -> x <> '')`;
  const format = source.files.read.format;
  if (format === 'csv' || format === 'tsv') return split(ident(column));
  if (format === 'jsonl') {
    const path = jsonPath(column);
    const elements = literal(`${jsonKey(column)}[*]`);
    const text = `(__line ->> ${path})`;
    return `(CASE WHEN NOT __ok THEN NULL WHEN json_type(__line, ${path}) = 'ARRAY' THEN json_extract_string(__line, ${elements}) ELSE ${split(text)} END)`;
  }
  const type = source.types[column] ?? '';
  return type.endsWith('[]')
    ? `CAST(${ident(column)} AS VARCHAR[])`
    : split(`CAST(${ident(column)} AS VARCHAR)`);
}

/** True for rows that are not records (a JSON line that is not an object). */
export function malformedSql(source: SourceTable): string {
  return source.files.read.format === 'jsonl' ? '(__line IS NOT NULL AND NOT __ok)' : 'false';
}

/** True for blank JSON lines, which hold no record and are passed over. */
export function blankSql(source: SourceTable): string {
  return source.files.read.format === 'jsonl' ? '(__line IS NULL)' : 'false';
}
