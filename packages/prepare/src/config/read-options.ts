/** The reading keys (`format`, `header`, `columns`, `delimiter`, `skipRows`, `nullValues`) and file sets. */
import { isAbsolute, resolve } from 'node:path';
import { ConfigError, checkBoolean, optionalEnum } from '@dtrn/base';
import { markerList, optionalInteger, type RawObject, text, textList, unique } from './check.js';
import { FILE_FORMATS, type FileFormat, type FileSet, type ReadOptions } from './types.js';

export const READ_KEYS = ['format', 'header', 'columns', 'delimiter', 'skipRows', 'nullValues'] as const;

/** The format a file name implies (`.gz` stripped), or undefined. */
export function formatFromExtension(path: string): FileFormat | undefined {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.tsv') || name.endsWith('.tab')) return 'tsv';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson') || name.endsWith('.json')) return 'jsonl';
  if (name.endsWith('.parquet') || name.endsWith('.pq')) return 'parquet';
  return undefined;
}

/**
 * Reading options from `raw` (the top level, or an `events` block) for the files `paths`. An event
 * log shares only the top level's `nullValues`; its format, header and columns are its own.
 */
export function resolveReadOptions(
  raw: RawObject,
  paths: readonly string[],
  where: string,
  inheritedNullValues: readonly string[] = [''],
): ReadOptions {
  const implied = formatFromExtension(paths[0]!);
  if (raw.format === undefined && implied === undefined) {
    throw new ConfigError(`${where}: cannot tell the format of "${paths[0]}" from its extension`, {
      expected: `format: one of ${FILE_FORMATS.join(', ')}`,
    });
  }
  const format = optionalEnum(raw.format, implied ?? 'csv', FILE_FORMATS, `${where}.format`);
  for (const path of paths) {
    const other = formatFromExtension(path);
    if (raw.format === undefined && other !== undefined && other !== format) {
      throw new ConfigError(`${where}: files of different formats (${format} and ${other}: "${path}")`, {
        expected: 'files of one format, or an explicit format',
      });
    }
  }
  const textual = format === 'csv' || format === 'tsv';
  const header = raw.header === undefined ? true : checkBoolean(raw.header, `${where}.header`);
  const columns = raw.columns === undefined ? undefined : textList(raw.columns, `${where}.columns`);
  if (columns) unique(columns, `${where}.columns`, 'column');
  if (!textual && (raw.header !== undefined || raw.columns !== undefined)) {
    throw new ConfigError(
      `${where}: header and columns apply to csv and tsv files only (${format} names its columns)`,
    );
  }
  if (!header && !columns) {
    throw new ConfigError(`${where}: header is false but no columns are named`, {
      expected: 'columns: [names in file order] when the file has no header',
    });
  }
  if (!textual && raw.delimiter !== undefined) {
    throw new ConfigError(`${where}.delimiter applies to csv and tsv files only`, { found: format });
  }
  const delimiter =
    raw.delimiter === undefined ? (format === 'tsv' ? '\t' : ',') : text(raw.delimiter, `${where}.delimiter`);
  if (delimiter.length > 4) {
    throw new ConfigError(`${where}.delimiter is too long`, {
      expected: '1 to 4 characters',
      found: delimiter,
    });
  }
  if (format === 'parquet' && raw.skipRows !== undefined) {
    throw new ConfigError(`${where}.skipRows applies to csv, tsv and jsonl files only`);
  }
  return {
    format,
    header,
    columns,
    delimiter,
    skipRows: optionalInteger(raw.skipRows, { min: 0 }, `${where}.skipRows`) ?? 0,
    nullValues:
      raw.nullValues === undefined ? inheritedNullValues : markerList(raw.nullValues, `${where}.nullValues`),
  };
}

/** A path or list of paths/globs, resolved against the config's directory. */
export function resolvePaths(value: unknown, baseDir: string, where: string): string[] {
  const list = typeof value === 'string' ? [text(value, where)] : textList(value, where);
  return list.map((path) => (isAbsolute(path) ? path : resolve(baseDir, path)));
}

/** Files at `value` (key path `pathWhere`) read with the options of `raw` (key path `where`). */
export function fileSet(
  value: unknown,
  pathWhere: string,
  raw: RawObject,
  where: string,
  baseDir: string,
  inheritedNullValues?: readonly string[],
): FileSet {
  const paths = resolvePaths(value, baseDir, pathWhere);
  return { paths, read: resolveReadOptions(raw, paths, where, inheritedNullValues) };
}
