/**
 * `writeParquetFromCsv`: a CSV file with a header (as `dtrn predict` writes it) converted to
 * Parquet by DuckDB's streaming `COPY`, so memory stays bounded whatever the file's size. Row
 * order is kept; unquoted empty fields are NULL, quoted empty fields are empty strings.
 */
import { ConfigError } from '@dtrn/base';
import { DuckSession } from '../duckdb/session.js';
import { literal } from '../duckdb/sql.js';

export interface ParquetColumn {
  readonly name: string;
  readonly type: 'BIGINT' | 'VARCHAR' | 'FLOAT' | 'DOUBLE' | 'INTEGER';
}

export async function writeParquetFromCsv(
  csvPath: string,
  parquetPath: string,
  columns: readonly ParquetColumn[],
): Promise<void> {
  if (columns.length === 0) throw new ConfigError('writeParquetFromCsv: no columns');
  const types = columns.map((c) => `${literal(c.name)}: ${literal(c.type)}`).join(', ');
  const session = await DuckSession.open({
    memoryLimit: undefined,
    tempDirectory: undefined,
    threads: undefined,
  });
  try {
    await session.run(
      `COPY (SELECT * FROM read_csv(${literal(csvPath)}, header = true, columns = {${types}}, quote = '"', escape = '"', allow_quoted_nulls = false)) TO ${literal(parquetPath)} (FORMAT parquet)`,
    );
  } finally {
    session.close();
  }
}
