/**
 * `dtrn prepare`: raw files (or a synthetic preset) -> validated, id-mapped, split shards in
 * `<out>/{train,validation,test}` plus `<out>/prepare.json` (provenance, row accounting, leakage
 * check) and, for real data, `<out>/vocabularies.json` (raw id -> row), written all or nothing
 * (prepare-output.ts). `train` and `compare` read them with `--data <out>` or
 * `data: { kind: shards, path: <out> }`.
 */
import { join, resolve } from 'node:path';
import { ConfigError } from '@dtrn/base';
import { FileStorage } from '@dtrn/core/node';
import { type DatasetSchema, type InMemoryDataset, type ShardManifest, sliceRows } from '@dtrn/data';
import { ShardWriter, writeShards } from '@dtrn/data/node';
import type { FileReport, ProgressCallback } from '@dtrn/datasets';
import { type DataConfig, dataSchema } from '../config/data-config.js';
import { parseStrict } from '../config/strict-schema.js';
import type { ProgressMode, ProgressReporter } from '../runtime/progress.js';
import { reporterOf } from '../runtime/progress.js';
import {
  loadData,
  type RawDataConfig,
  type RawDataSummary,
  streamRawData,
  VOCABULARIES_FILE,
} from './load-data.js';
import { writeAllOrNothing } from './prepare-output.js';

export const PREPARE_DATASETS = ['otto', 'ali-ccp', 'aliexpress', 'synthetic'] as const;

export interface RunPrepareOptions {
  /** A data config (any kind but `shards`). */
  readonly data: unknown;
  readonly out: string;
  readonly seed?: number;
  readonly rowsPerShard?: number;
  readonly overwrite?: boolean;
  readonly progress?: ProgressMode | ProgressReporter;
}

export interface PrepareOutcome {
  readonly directory: string;
  readonly rows: { readonly train: number; readonly validation: number; readonly test: number };
}

function byteProgress(progress: ProgressReporter): ProgressCallback {
  let lastShown = -1;
  let lastPass = 0;
  return (event) => {
    const percent = event.totalBytes ? Math.floor((100 * event.bytesRead) / event.totalBytes) : -1;
    if (event.pass !== lastPass) lastShown = -1;
    lastPass = event.pass;
    // Every 10% and once at 100% (a file's last chunk and its end both report 100%).
    if (percent >= 0 && (percent === lastShown || (percent < 100 && percent < lastShown + 10))) return;
    lastShown = percent;
    progress.info(
      `${event.file}: pass ${event.pass}/${event.passes}, ${(event.bytesRead / 2 ** 20).toFixed(1)} MiB${percent >= 0 ? ` (${percent}%)` : ''}`,
    );
    progress.json({ type: 'read-progress', ...event });
  };
}

/** `counts` as `reason 2, other 1`, or '' when empty. */
function byReason(counts: Readonly<Record<string, number | undefined>>): string {
  const parts = Object.entries(counts).map(([reason, count]) => `${reason} ${count}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** One line per input file: rows read = used + skipped + filtered, by reason, and skip examples. */
export function reportRows(files: readonly FileReport[], progress: ProgressReporter): void {
  for (const file of files) {
    progress.info(
      `${file.file}: ${file.rowsRead} rows read = ${file.rowsUsed} used + ${file.rowsSkipped} skipped${byReason(file.skippedByReason)} + ${file.rowsFiltered} filtered${byReason(file.filteredByReason)}${file.empty ? ' (empty file)' : ''}`,
    );
    for (const example of file.examples.slice(0, 3)) progress.info(`  skipped: ${example.message}`);
    if (file.rowsSkipped > 3) {
      progress.info(
        `  ... ${file.rowsSkipped - 3} more (prepare.json keeps the first ${file.examples.length})`,
      );
    }
    const { examples: _examples, ...counts } = file;
    progress.json({ type: 'rows', ...counts });
  }
}

type SplitName = 'train' | 'validation' | 'test';
const SPLITS: readonly SplitName[] = ['train', 'validation', 'test'];
type RowCounts = Record<SplitName, number>;

/** Rows per batch streamed from a raw loader into the shard writers (and for its leakage check). */
const PREPARE_BATCH_ROWS = 65_536;

function reportWritten(split: SplitName, manifest: ShardManifest, progress: ProgressReporter): void {
  progress.info(`wrote ${manifest.rows} ${split} rows in ${manifest.shards.length} shard file(s)`);
}

/** Generates the synthetic preset, splits it in memory and writes each split. */
async function writeSynthetic(
  data: DataConfig,
  seed: number,
  temporary: string,
  rowsPerShard: number,
  progress: ProgressReporter,
): Promise<{ summary: RawDataSummary; counts: RowCounts }> {
  const loaded = await loadData(data, seed);
  progress.info(
    `${loaded.description}: train ${loaded.train.size}, validation ${loaded.validation.size}, test ${loaded.test.size} rows`,
  );
  const counts: RowCounts = { train: 0, validation: 0, test: 0 };
  for (const split of SPLITS) {
    const manifest = await writeShards(loaded[split], join(temporary, split), {
      rowsPerShard,
      metadata: { source: loaded.description, split, seed },
    });
    counts[split] = manifest.rows;
    reportWritten(split, manifest, progress);
  }
  return { summary: loaded, counts };
}

/**
 * Streams a named loader's batches into one ShardWriter per split: memory stays at the loader's
 * vocabularies plus a batch and a shard buffer per split, whatever the file size.
 */
async function writeRaw(
  data: RawDataConfig,
  seed: number,
  temporary: string,
  rowsPerShard: number,
  progress: ProgressReporter,
): Promise<{ summary: RawDataSummary; counts: RowCounts }> {
  const description = `${data.kind} from ${data.path}`;
  const writers: Partial<Record<SplitName, ShardWriter>> = {};
  const open = (split: SplitName, schema: DatasetSchema) =>
    ShardWriter.open(join(temporary, split), schema, {
      rowsPerShard,
      metadata: { source: description, split, seed },
    });
  const config = { ...data, loader: { batchSize: PREPARE_BATCH_ROWS, ...data.loader } };
  let noRows: InMemoryDataset | undefined; // the columns of the batches (timestamps, extras), 0 rows
  const summary = await streamRawData(config, seed, byteProgress(progress), async (split, batch) => {
    noRows ??= sliceRows(batch, 0, 0);
    writers[split] ??= await open(split, batch.schema);
    await writers[split].append(batch);
  });
  reportRows(summary.files, progress);
  const counts: RowCounts = { train: 0, validation: 0, test: 0 };
  for (const split of SPLITS) {
    let writer = writers[split];
    if (!writer) {
      // A split without rows still gets the other splits' columns.
      writer = await open(split, summary.schema);
      if (noRows) await writer.append(noRows);
    }
    const manifest = await writer.close();
    counts[split] = manifest.rows;
    reportWritten(split, manifest, progress);
  }
  progress.info(
    `${description}: train ${counts.train}, validation ${counts.validation}, test ${counts.test} rows`,
  );
  return { summary, counts };
}

export async function runPrepare(options: RunPrepareOptions): Promise<PrepareOutcome> {
  const progress = reporterOf(options.progress);
  const data: DataConfig = parseStrict(dataSchema, options.data, 'prepare data');
  if (data.kind === 'shards' || data.kind === 'table' || data.kind === 'mmoe-synthetic') {
    throw new ConfigError(
      data.kind === 'shards'
        ? 'dtrn prepare reads raw data or generates synthetic data, not shards'
        : data.kind === 'mmoe-synthetic'
          ? 'mmoe-synthetic data is generated inside each run (dtrn compare, dtrn train), not prepared'
          : 'table data is prepared by dtrn prepare table (prepareTable of @dtrn/prepare), not by dtrn prepare <dataset>',
      { expected: 'data.kind otto, ali-ccp, aliexpress or synthetic', found: data.kind },
    );
  }
  const seed = options.seed ?? 0;
  const directory = resolve(options.out);
  const overwrite = options.overwrite ?? false;
  const rowsPerShard = options.rowsPerShard ?? 100_000;
  const rows = await writeAllOrNothing(directory, overwrite, async (temporary) => {
    const written =
      data.kind === 'synthetic'
        ? await writeSynthetic(data, seed, temporary, rowsPerShard, progress)
        : await writeRaw(data, seed, temporary, rowsPerShard, progress);
    const { summary, counts } = written;
    const record = {
      data,
      seed,
      rows: counts,
      provenance: summary.provenance,
      createdAt: new Date().toISOString(),
    };
    const storage = new FileStorage(temporary);
    await storage.writeFile('prepare.json', `${JSON.stringify(record, null, 2)}\n`);
    if (summary.vocabularies) {
      // Raw id -> row of every id space, for `dtrn train` runs on these shards and `dtrn export`.
      await storage.writeFile(VOCABULARIES_FILE, JSON.stringify(summary.vocabularies));
    }
    return counts;
  });
  progress.json({ type: 'prepared', directory, rows });
  progress.result(
    `prepared ${directory}: train ${rows.train}, validation ${rows.validation}, test ${rows.test} rows`,
  );
  return { directory, rows };
}
