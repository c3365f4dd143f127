/**
 * Writes predictions as CSV, JSON lines or Parquet, atomically: rows stream into a temporary file
 * beside `--out` (`.<name>.tmp-<pid>-<hex>`), which is renamed to `--out` only when every row is
 * written; a failure or Ctrl-C removes it. Columns: `row` (the input record's index), the kept
 * columns, then one probability per task named after the task (float32, shortest exact decimal).
 * Parquet: DuckDB converts the finished CSV (`writeParquetFromCsv` of @dtrn/prepare), streaming.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { lstat, mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ConfigError } from '@dtrn/base';
import { writeParquetFromCsv } from '@dtrn/prepare';
import { float32Text } from './float-text.js';

export const OUTPUT_FORMATS = ['csv', 'jsonl', 'parquet'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The format `--out`'s extension names. */
export function outputFormat(path: string): OutputFormat {
  const extension = extname(path).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  if (extension === '.parquet' || extension === '.pq') return 'parquet';
  throw new ConfigError(
    `--out ${path}: cannot tell the output format from "${extension || 'no extension'}"`,
    {
      expected: '.csv, .jsonl (or .ndjson) or .parquet',
    },
  );
}

function csvText(value: string | null): string {
  if (value === null) return '';
  if (value === '' || /[",\r\n]/.test(value) || value.trim() !== value)
    return `"${value.replaceAll('"', '""')}"`;
  return value;
}

export interface PredictionColumns {
  /** Output names of the kept columns, in order. */
  readonly keep: readonly string[];
  /** Task names (one probability column each). */
  readonly tasks: readonly string[];
}

/** Refuses a `--out` that exists (unless `overwrite`) or is a directory, before any work. */
export async function checkOut(out: string, overwrite: boolean): Promise<void> {
  let stats: Awaited<ReturnType<typeof lstat>>;
  try {
    stats = await lstat(out);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new ConfigError(`--out ${out} cannot be checked: ${(error as Error).message}`);
  }
  if (!stats.isFile()) {
    throw new ConfigError(`--out ${out} exists and is not a regular file`, { expected: 'a file path' });
  }
  if (!overwrite) {
    throw new ConfigError(`--out ${out} already exists`, {
      expected: '--overwrite to replace it, or another --out',
    });
  }
}

export class PredictionWriter {
  private rows = 0;

  private constructor(
    private readonly out: string,
    private readonly format: OutputFormat,
    private readonly columns: PredictionColumns,
    private readonly temporary: string,
    private readonly stream: WriteStream,
  ) {}

  static async open(out: string, columns: PredictionColumns): Promise<PredictionWriter> {
    const target = resolve(out);
    const format = outputFormat(target);
    await mkdir(dirname(target), { recursive: true });
    const temporary = join(
      dirname(target),
      `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`,
    );
    const stream = createWriteStream(format === 'parquet' ? `${temporary}.csv` : temporary);
    await new Promise<void>((done, fail) => {
      stream.once('open', () => done());
      stream.once('error', fail);
    });
    const writer = new PredictionWriter(target, format, columns, temporary, stream);
    if (format !== 'jsonl')
      await writer.put(`${['row', ...columns.keep, ...columns.tasks].map(csvText).join(',')}\n`);
    return writer;
  }

  /** Rows written so far. */
  get written(): number {
    return this.rows;
  }

  private async put(text: string): Promise<void> {
    if (!this.stream.write(text)) await new Promise<void>((done) => this.stream.once('drain', () => done()));
  }

  /** Appends `records.length` rows: record indices, kept texts (per column) and probabilities (per task). */
  async write(
    records: ArrayLike<number>,
    kept: readonly (readonly (string | null)[])[],
    probabilities: readonly Float32Array[],
  ): Promise<void> {
    const { keep, tasks } = this.columns;
    const lines: string[] = [];
    for (let i = 0; i < records.length; i++) {
      if (this.format === 'jsonl') {
        const fields = [`"row":${records[i]}`];
        keep.forEach((name, j) => {
          fields.push(`${JSON.stringify(name)}:${JSON.stringify(kept[j]![i] ?? null)}`);
        });
        tasks.forEach((name, k) => {
          fields.push(`${JSON.stringify(name)}:${float32Text(probabilities[k]![i]!)}`);
        });
        lines.push(`{${fields.join(',')}}\n`);
      } else {
        const values = [String(records[i])];
        for (let j = 0; j < keep.length; j++) values.push(csvText(kept[j]![i] ?? null));
        for (let k = 0; k < tasks.length; k++) values.push(float32Text(probabilities[k]![i]!));
        lines.push(`${values.join(',')}\n`);
      }
    }
    this.rows += records.length;
    await this.put(lines.join(''));
  }

  private async closeStream(): Promise<void> {
    await new Promise<void>((done, fail) => {
      this.stream.once('error', fail);
      this.stream.end(() => done());
    });
  }

  /** Finishes the file and moves it to `--out`. */
  async commit(): Promise<string> {
    await this.closeStream();
    if (this.format === 'parquet') {
      await writeParquetFromCsv(`${this.temporary}.csv`, this.temporary, [
        { name: 'row', type: 'BIGINT' },
        ...this.columns.keep.map((name) => ({ name, type: 'VARCHAR' as const })),
        ...this.columns.tasks.map((name) => ({ name, type: 'FLOAT' as const })),
      ]);
      await rm(`${this.temporary}.csv`, { force: true });
    }
    await rename(this.temporary, this.out);
    return this.out;
  }

  /** Removes the temporary file(s). */
  async discard(): Promise<void> {
    if (!this.stream.closed) this.stream.destroy();
    await rm(this.temporary, { force: true });
    await rm(`${this.temporary}.csv`, { force: true });
  }
}
