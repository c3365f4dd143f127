/**
 * `dtrn prepare`: raw files (or a synthetic preset) -> validated, id-mapped, split shards in
 * `<out>/{train,validation,test}` plus `<out>/prepare.json` (provenance, row counts, leakage check).
 * `train` and `compare` read them with `data: { kind: shards, path: <out> }`.
 */
import { join, resolve } from 'node:path';
import { FileStorage } from '@dtrn/core/node';
import { writeShards } from '@dtrn/data/node';
import type { ProgressCallback } from '@dtrn/datasets';
import { reporterOf } from '../compare/run-options.js';
import { type DataConfig, dataSchema } from '../config/data-config.js';
import { parseStrict } from '../config/strict-schema.js';
import type { ProgressMode, ProgressReporter } from '../runtime/progress.js';
import { loadData } from './load-data.js';

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
    if (percent >= 0 && percent < lastShown + 10 && percent < 100) return;
    lastShown = percent;
    progress.info(
      `${event.file}: pass ${event.pass}/${event.passes}, ${(event.bytesRead / 2 ** 20).toFixed(1)} MiB${percent >= 0 ? ` (${percent}%)` : ''}`,
    );
    progress.json({ type: 'read-progress', ...event });
  };
}

export async function runPrepare(options: RunPrepareOptions): Promise<PrepareOutcome> {
  const progress = reporterOf(options.progress);
  const data: DataConfig = parseStrict(dataSchema, options.data, 'prepare data');
  const seed = options.seed ?? 0;
  const directory = resolve(options.out);
  const loaded = await loadData(data, seed, byteProgress(progress));
  progress.info(
    `${loaded.description}: train ${loaded.train.size}, validation ${loaded.validation.size}, test ${loaded.test.size} rows`,
  );
  for (const split of ['train', 'validation', 'test'] as const) {
    await writeShards(loaded[split], join(directory, split), {
      rowsPerShard: options.rowsPerShard ?? 100_000,
      overwrite: options.overwrite ?? false,
      metadata: { source: loaded.description, split, seed },
    });
    progress.info(`wrote ${split} shards to ${join(directory, split)}`);
  }
  const rows = { train: loaded.train.size, validation: loaded.validation.size, test: loaded.test.size };
  await new FileStorage(directory).writeFile(
    'prepare.json',
    `${JSON.stringify({ data, seed, rows, provenance: loaded.provenance, createdAt: new Date().toISOString() }, null, 2)}\n`,
  );
  progress.json({ type: 'prepared', directory, rows });
  progress.result(
    `prepared ${directory}: train ${rows.train}, validation ${rows.validation}, test ${rows.test} rows`,
  );
  return { directory, rows };
}
