/**
 * One DuckDB database for one preparation: in memory, spilling to `tempDirectory` beyond
 * `memoryLimit`. Statements run on one connection; results stream out chunk by chunk.
 */
import { fnv1a32 } from '@dtrn/data';
import {
  type DuckDBConnection,
  type DuckDBDataChunk,
  DuckDBInstance,
  DuckDBScalarFunction,
  UINTEGER,
  VARCHAR,
} from '@duckdb/node-api';
import type { DuckdbConfig } from '../config/types.js';

/** `DTRN_PREPARE_PROFILE=1` prints every statement's wall time to stderr (where the time goes). */
const PROFILE = typeof process !== 'undefined' && process.env.DTRN_PREPARE_PROFILE === '1';

async function timed<T>(sql: string, work: () => Promise<T>): Promise<T> {
  if (!PROFILE) return work();
  const started = performance.now();
  try {
    return await work();
  } finally {
    process.stderr.write(
      `[duckdb ${(performance.now() - started).toFixed(0)} ms] ${sql.replace(/\s+/g, ' ').slice(0, 160)}\n`,
    );
  }
}

/** The SQL name of the FNV-1a function `registerFnv1a32` adds. */
export const FNV1A32_FUNCTION = 'dtrn_fnv1a32';

export class DuckSession {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(config: DuckdbConfig): Promise<DuckSession> {
    const options: Record<string, string> = { preserve_insertion_order: 'true' };
    if (config.memoryLimit !== undefined) options.memory_limit = config.memoryLimit;
    if (config.tempDirectory !== undefined) options.temp_directory = config.tempDirectory;
    if (config.threads !== undefined) options.threads = String(config.threads);
    const instance = await DuckDBInstance.create(':memory:', options);
    return new DuckSession(instance, await instance.connect());
  }

  /** Runs statements (no result). */
  async run(sql: string): Promise<void> {
    await timed(sql, () => this.connection.run(sql));
  }

  /** A small result as rows of JS values (BIGINT as bigint). For counts, stats, column lists. */
  async rows(sql: string): Promise<unknown[][]> {
    const reader = await timed(sql, () => this.connection.runAndReadAll(sql));
    return reader.getRows() as unknown[][];
  }

  /** Like `rows` but one object per row keyed by column name. */
  async objects(sql: string): Promise<Record<string, unknown>[]> {
    const reader = await timed(sql, () => this.connection.runAndReadAll(sql));
    return reader.getRowObjects() as Record<string, unknown>[];
  }

  /** Streams a large result chunk by chunk (at most 2,048 rows each). */
  async *chunks(sql: string): AsyncGenerator<DuckDBDataChunk> {
    const result = await timed(sql, () => this.connection.stream(sql));
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) return;
      yield chunk;
    }
  }

  /**
   * Registers `dtrn_fnv1a32(VARCHAR) -> UINTEGER`: FNV-1a 32 of the text's UTF-8 bytes, the hash
   * `@dtrn/data`'s `Vocabulary.lookup` gives an unknown id under `oov: hash` (NULL stays NULL).
   */
  registerFnv1a32(): void {
    this.connection.registerScalarFunction(
      DuckDBScalarFunction.create({
        name: FNV1A32_FUNCTION,
        mainFunction: (_info, input, output) => {
          const keys = input.getColumnVector(0);
          for (let row = 0; row < input.rowCount; row++) {
            const key = keys.getItem(row);
            output.setItem(row, key === null ? null : fnv1a32(String(key)));
          }
          output.flush();
        },
        returnType: UINTEGER,
        parameterTypes: [VARCHAR],
      }),
    );
  }

  /** Percent done of the running statement, or -1 when DuckDB cannot tell. */
  progress(): number {
    try {
      return this.connection.progress.percentage;
    } catch {
      return -1;
    }
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
