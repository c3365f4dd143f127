/**
 * Table data (`data: { kind: table, config, path }`): a `@dtrn/prepare` dataset config and the raw
 * file it reads. `train` and `compare` prepare it once into `<out>/prepared` (atomically, with the
 * same report `dtrn prepare table` prints) and read those shards for every seed; `--resume` and
 * `evaluate` reuse them. DuckDB is loaded only when a table is prepared.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '@dtrn/base';
import type { DataConfig, TableDataConfig } from '../config/data-config.js';
import type { ProgressReporter } from '../runtime/progress.js';
import { showPrepareEvents } from './prepare-events.js';

/** The run directory's prepared table (shards, vocabularies.json, prepare.json). */
export const PREPARED_DIRECTORY = 'prepared';

const GLOB = /[*?[]/;

function configName(config: TableDataConfig): string {
  if (typeof config.config === 'string') return config.config;
  const name = config.config.name;
  return typeof name === 'string' ? `the ${name} dataset config` : 'the dataset config';
}

/** The file the table is read from: `path` (`--data`), else the dataset config's own `file`. */
function sourceFile(config: TableDataConfig, raw: Record<string, unknown>): string | null {
  if (config.path) return config.path;
  return typeof raw.file === 'string' ? raw.file : null;
}

/**
 * Checks what can be checked before anything runs: the dataset config file exists, and a raw file
 * is given (`--data`, or the config's `file` / `files`) and, unless a glob, exists as a file.
 */
export function checkTableSource(config: TableDataConfig): void {
  if (typeof config.config === 'string' && !existsSync(config.config)) {
    throw new ConfigError(`data.config: ${config.config} does not exist`, {
      expected: 'a dataset config (YAML or JSON) as `dtrn prepare table` reads',
    });
  }
  if (typeof config.config !== 'string' && !config.path && config.config.file === undefined) {
    if (config.config.files !== undefined) return;
    throw new ConfigError(`data.path is required: ${configName(config)} names no file (--data <file>)`, {
      expected:
        'the raw file of the table (for the census-income presets the UCI file census-income.test.gz; see examples/census-income)',
    });
  }
  if (config.path && !GLOB.test(config.path)) {
    if (!existsSync(config.path)) {
      throw new ConfigError(`data.path: ${config.path} does not exist`, {
        expected: `the raw table file ${configName(config)} describes, or a directory written by dtrn prepare`,
      });
    }
    if (statSync(config.path).isDirectory()) {
      throw new ConfigError(`data.path: ${config.path} is a directory without prepared shards`, {
        expected: `the raw table file ${configName(config)} describes, or a directory written by dtrn prepare (with train/manifest.json)`,
      });
    }
  }
}

/** One line for logs and results: which config, which file, where it was prepared. */
export function describeTable(config: TableDataConfig, directory: string): string {
  const raw = typeof config.config === 'string' ? {} : config.config;
  const file = sourceFile(config, raw);
  return `${configName(config)}${file ? ` on ${file}` : ''}, prepared into ${directory}`;
}

/**
 * Prepares the table into `directory` (which must not hold files) and returns the shards config
 * that reads it. `reuse`: a directory already prepared (it has `prepare.json`) is kept as is.
 */
export async function prepareTableData(
  config: TableDataConfig,
  directory: string,
  progress: ProgressReporter,
  options: { readonly reuse: boolean },
): Promise<Extract<DataConfig, { kind: 'shards' }>> {
  const shards = { kind: 'shards' as const, path: directory };
  if (options.reuse && existsSync(join(directory, 'prepare.json'))) {
    progress.info(`using the table prepared in ${directory}`);
    return shards;
  }
  checkTableSource(config);
  const { formatPrepareReport, prepareTable, readTableConfigFile } = await import('@dtrn/prepare');
  const raw =
    typeof config.config === 'string'
      ? await readTableConfigFile(config.config)
      : (structuredClone(config.config) as Record<string, unknown>);
  // An inline config's relative paths resolve against the working directory.
  const configPath = typeof config.config === 'string' ? config.config : resolve('dataset-config');
  progress.info(`preparing ${describeTable(config, directory)}`);
  const result = await prepareTable(raw, {
    configPath,
    out: directory,
    ...(config.path ? { file: config.path } : {}),
    onEvent: showPrepareEvents(progress),
  });
  for (const line of formatPrepareReport(result.report)) progress.info(line);
  progress.json({ type: 'prepared', directory: result.directory, rows: result.rows });
  return shards;
}

/** What a run loads per seed: table data prepared into `<run>/prepared` once; other data as given. */
export interface RunData {
  readonly data: DataConfig;
  /** The table's description (for results), or null for other data. */
  readonly description: string | null;
}

/**
 * A run's data: table data is prepared into `runPath/prepared` (reused when `resume`, and by
 * `evaluate`, which passes `reuse`); other kinds are returned unchanged.
 */
export async function runData(
  config: DataConfig,
  runPath: string,
  progress: ProgressReporter,
  reuse: boolean,
): Promise<RunData> {
  if (config.kind !== 'table') return { data: config, description: null };
  const directory = join(runPath, PREPARED_DIRECTORY);
  const data = await prepareTableData(config, directory, progress, { reuse });
  return { data, description: describeTable(config, directory) };
}
