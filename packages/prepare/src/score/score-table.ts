/**
 * Scores new data with a dataset config: `TableScorer.open` reads the file the way `prepareTable`
 * does (same reading options, typing and bad-input checks) but maps ids and numbers with a trained
 * run's vocabularies and statistics, never ones recomputed from the new file. `stream` hands out
 * model-ready blocks in file order from one streaming DuckDB query: memory is one block plus
 * DuckDB's read buffers, whatever the file's size. Every record read is accounted for:
 * read = scored + skipped (by reason) + filtered.
 */
import { ConfigError, DataError } from '@dtrn/base';
import { createEmptyDataset, type DatasetSchema, type InMemoryDataset, sliceRows } from '@dtrn/data';
import type { DuckDBDataChunk } from '@duckdb/node-api';
import type { DuckdbConfig, TableConfig } from '../config/types.js';
import { copyColumn, copyPaddedLists } from '../duckdb/chunk-columns.js';
import { DuckSession } from '../duckdb/session.js';
import { literal } from '../duckdb/sql.js';
import { buildSchema } from '../prepare/build-schema.js';
import { loadSource, requireColumn, type SourceTable } from '../read/load-source.js';
import { locateRecord } from '../read/locate.js';
import { valueSql } from '../read/source-values.js';
import { example, type ReasonCount, rejectedError, rejectedRows } from '../stages/account-rows.js';
import type { RowCheck } from '../stages/row-checks.js';
import { loadSavedVocabularies, type SavedPreparation, savedNumeric } from './saved-state.js';
import { resolveScoringConfig, type ScoringSource } from './scoring-config.js';
import { type ScoringPlan, scoringPlan } from './scoring-sql.js';

export interface ScoreTableOptions extends ScoringSource {
  /** The dataset config's path: relative paths inside resolve against its directory. */
  readonly configPath: string;
  /** The trained run's vocabularies and numeric statistics. */
  readonly saved: SavedPreparation;
  /** Columns of the file passed through as text (e.g. a key), in this order. */
  readonly keep?: readonly string[];
  /** Over the config's `badInput`. */
  readonly badInput?: 'error' | 'skip';
  /** Rows per block handed to the sink. Default 16,384; at least 2,048 (one DuckDB chunk). */
  readonly blockRows?: number;
  /** Over the config's `duckdb` settings. */
  readonly duckdb?: Partial<DuckdbConfig>;
}

export interface ScoredBlock {
  /** Model inputs in `TableScorer.schema`'s layout (labels are zeros: they are not read). */
  readonly rows: InMemoryDataset;
  /** [rows] each row's record index in the input (0-based, file order; skipped rows leave gaps). */
  readonly records: Float64Array;
  /** Per kept column, each row's text (null when missing). */
  readonly kept: readonly (readonly (string | null)[])[];
}

export interface ScoreReport {
  readonly read: number;
  readonly scored: number;
  readonly skipped: number;
  readonly filtered: number;
  readonly skippedByReason: readonly ReasonCount[];
  readonly filteredByReason: readonly { readonly reason: string; readonly count: number }[];
}

const CHUNK_ROWS = 2048;
const SKIP_HINT = '; use --bad-input skip (badInput: skip) to skip and count such rows';

function blockRowsOf(value: number | undefined): number {
  const rows = value ?? 16_384;
  if (!Number.isSafeInteger(rows) || rows < CHUNK_ROWS) {
    throw new ConfigError('ScoreTableOptions.blockRows is invalid', {
      expected: `an integer >= ${CHUNK_ROWS}`,
      found: value,
    });
  }
  return rows;
}

/** Copies row `from` of `source` to row `to` of `target` (same schema). */
function copyRow(source: InMemoryDataset, from: number, target: InMemoryDataset, to: number): void {
  source.sparse.forEach((column, f) => {
    target.sparse[f]![to] = column[from]!;
  });
  source.dense.forEach((column, f) => {
    target.dense[f]![to] = column[from]!;
  });
  source.sequences.forEach((sequence, m) => {
    const L = sequence.maxLength;
    target.sequences[m]!.items.set(sequence.items.subarray(from * L, (from + 1) * L), to * L);
  });
}

interface FirstBad {
  readonly file: string;
  readonly ordinal: number;
  readonly check: RowCheck;
}

export class TableScorer {
  private constructor(
    private readonly session: DuckSession,
    private readonly config: TableConfig,
    private readonly source: SourceTable,
    private readonly plan: ScoringPlan,
    private readonly blockRows: number,
    /** The data's schema (the config's fields with the run's id spaces). */
    readonly schema: DatasetSchema,
    /** The kept columns, in order. */
    readonly keep: readonly string[],
  ) {}

  /** Reads the config, opens the file(s) and loads the run's vocabularies (no row is read yet). */
  static async open(rawConfig: unknown, options: ScoreTableOptions): Promise<TableScorer> {
    const resolved = resolveScoringConfig(rawConfig, options.configPath, options);
    const config: TableConfig = {
      ...resolved,
      badInput: options.badInput ?? resolved.badInput,
      duckdb: { ...resolved.duckdb, ...options.duckdb },
    };
    const blockRows = blockRowsOf(options.blockRows);
    if (config.sources.kind !== 'file') throw new Error('resolveScoringConfig gives one file set');
    const session = await DuckSession.open(config.duckdb);
    try {
      session.registerFnv1a32();
      const source = await loadSource(session, config.sources.file, 'src_all', undefined);
      const where = 'dataset config';
      config.fields.forEach((field, i) => {
        requireColumn(source, field.column, `${where}.fields[${i}].column`);
      });
      if (config.sequences?.kind === 'list') {
        config.sequences.behaviors.forEach((b, m) => {
          requireColumn(source, b.column, `${where}.sequences.behaviors[${m}].column`);
        });
      }
      const keep = [...(options.keep ?? [])];
      for (const column of keep) requireColumn(source, column, '--keep');
      const vocabularies = await loadSavedVocabularies(session, config, options.saved.vocabularies);
      const numeric = savedNumeric(config, options.saved.numeric);
      const schema = buildSchema(config, vocabularies, {
        statistics: [],
        expressions: new Map(),
        bucketSpaces: numeric.bucketSpaces,
      });
      const plan = scoringPlan(config, source, vocabularies, numeric.statistics, keep);
      return new TableScorer(session, config, source, plan, blockRows, schema, keep);
    } catch (error) {
      session.close();
      throw error;
    }
  }

  /** The files read (absolute paths or globs). */
  get files(): readonly string[] {
    return this.source.files.paths;
  }

  private async located(bad: FirstBad) {
    const column = bad.check.column;
    const value =
      column !== undefined
        ? valueSql(this.source, column)
        : this.source.files.read.format === 'jsonl'
          ? '__line'
          : undefined;
    return locateRecord(this.session, this.source, bad.file, bad.ordinal, column, value);
  }

  /** Malformed lines DuckDB rejected (its rejects table exists once the scan has finished). */
  private async rejected() {
    if (!this.source.rejects) return [];
    const [exists] = await this.session.rows(
      `SELECT count(*) FROM duckdb_tables() WHERE table_name = ${literal(this.source.rejects)}`,
    );
    if (Number(exists?.[0] ?? 0) === 0) return [];
    return rejectedRows(this.session, [{ source: this.source, part: 'all' }]);
  }

  private async throwBad(bad: FirstBad): Promise<never> {
    const { where, found } = await this.located(bad);
    throw new DataError(`bad input: ${bad.check.reason}${SKIP_HINT}`, {
      where,
      expected: bad.check.expected,
      found,
    });
  }

  /**
   * Streams the scored rows to `sink` in blocks (file order). The block's arrays are reused once
   * `sink` resolves: copy what must outlive the call. `onRead` gets the count of records read so far.
   */
  async stream(
    sink: (block: ScoredBlock) => Promise<void>,
    onRead?: (records: number) => void,
  ): Promise<ScoreReport> {
    const { plan, schema, blockRows } = this;
    const errorMode = this.config.badInput === 'error';
    const block = createEmptyDataset(schema, blockRows);
    const scratch = createEmptyDataset(schema, CHUNK_ROWS);
    const records = new Float64Array(blockRows);
    let kept: (string | null)[][] = this.keep.map(() => []);
    let filled = 0;
    let read = 0;
    let scored = 0;
    const perFile = new Map<string, number>();
    const skipped = new Map<string, { count: number; first: FirstBad }>();
    const filtered = new Map<string, number>();
    const flush = async () => {
      if (filled === 0) return;
      await sink({ rows: sliceRows(block, 0, filled), records: records.subarray(0, filled), kept });
      scored += filled;
      filled = 0;
      kept = this.keep.map(() => []);
    };
    for await (const chunk of this.session.chunks(plan.sql)) {
      const n = chunk.rowCount;
      if (filled + n > blockRows) await flush();
      const files = chunk.getColumnValues(0) as string[];
      const bad = chunk.getColumnValues(1) as (number | null)[];
      const reasons = chunk.getColumnValues(2) as (string | null)[];
      const good: number[] = [];
      for (let r = 0; r < n; r++) {
        const file = files[r]!;
        const ordinal = (perFile.get(file) ?? 0) + 1;
        perFile.set(file, ordinal);
        const record = read++;
        const reason = reasons[r];
        if (reason !== null && reason !== undefined) {
          filtered.set(reason, (filtered.get(reason) ?? 0) + 1);
          continue;
        }
        const index = bad[r];
        if (index !== null && index !== undefined) {
          const first = { file, ordinal, check: plan.checks[index]! };
          if (errorMode) await this.throwBad(first);
          const entry = skipped.get(first.check.reason);
          if (entry) entry.count++;
          else skipped.set(first.check.reason, { count: 1, first });
          continue;
        }
        records[filled + good.length] = record;
        good.push(r);
      }
      this.copyChunk(chunk, good, block, filled, scratch);
      const keptValues = this.keep.map((_, j) =>
        chunk.getColumnValues(3 + plan.sparse + plan.dense + plan.sequences + j),
      );
      keptValues.forEach((values, j) => {
        for (const r of good) kept[j]!.push(values[r] === null ? null : String(values[r]));
      });
      filled += good.length;
      onRead?.(read);
    }
    await flush();
    return this.report(read, scored, skipped, filtered);
  }

  /** Copies the `good` rows of `chunk` to `block` from row `at` (through `scratch` unless all are). */
  private copyChunk(
    chunk: DuckDBDataChunk,
    good: readonly number[],
    block: InMemoryDataset,
    at: number,
    scratch: InMemoryDataset,
  ): void {
    if (good.length === 0) return;
    const all = good.length === chunk.rowCount;
    const target = all ? block : scratch;
    const offset = all ? at : 0;
    let column = 3;
    for (const values of target.sparse) copyColumn(chunk, column++, values, offset);
    for (const values of target.dense) copyColumn(chunk, column++, values, offset);
    for (const sequence of target.sequences)
      copyPaddedLists(chunk, column++, sequence.items, offset, sequence.maxLength);
    if (!all) {
      good.forEach((r, j) => {
        copyRow(scratch, r, block, at + j);
      });
    }
  }

  private async report(
    readRecords: number,
    scored: number,
    skipped: Map<string, { count: number; first: FirstBad }>,
    filtered: Map<string, number>,
  ): Promise<ScoreReport> {
    const rejected = await this.rejected();
    if (this.config.badInput === 'error' && rejected.length > 0) throw rejectedError(rejected[0]!, SKIP_HINT);
    const skippedByReason: ReasonCount[] = [];
    for (const [reason, { count, first }] of skipped) {
      const { where, found } = await this.located(first);
      skippedByReason.push({ reason, count, example: example(where, found) });
    }
    const malformed = new Map<string, typeof rejected>();
    for (const row of rejected) malformed.set(row.type, [...(malformed.get(row.type) ?? []), row]);
    for (const [type, rows] of malformed) {
      skippedByReason.push({
        reason: `malformed line (${type.toLowerCase()})`,
        count: rows.length,
        example: example({ file: rows[0]!.file, line: rows[0]!.line }, rows[0]!.text),
      });
    }
    const filteredByReason = [...filtered].map(([reason, count]) => ({ reason, count }));
    const skippedCount = skippedByReason.reduce((sum, r) => sum + r.count, 0);
    const filteredCount = filteredByReason.reduce((sum, r) => sum + r.count, 0);
    return {
      read: readRecords + rejected.length,
      scored,
      skipped: skippedCount,
      filtered: filteredCount,
      skippedByReason,
      filteredByReason,
    };
  }

  close(): void {
    this.session.close();
  }
}
