/**
 * Turns a data config into train / validation / test splits. Synthetic data is generated from the
 * run's seed (the same seed gives the same rows and splits for every model of a comparison); real
 * data sets are read from the user's downloaded files or from shards written by `dtrn prepare`.
 */

import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DataError, parseJson } from '@dtrn/base';
import { FileStorage } from '@dtrn/core/node';
import {
  type DatasetSchema,
  type InMemoryDataset,
  splitDataset,
  Vocabulary,
  type VocabularyJson,
} from '@dtrn/data';
import { readShards } from '@dtrn/data/node';
import {
  type FileReport,
  fileSource,
  generateMultiBehaviorData,
  loadAliCcp,
  loadAliExpress,
  loadOtto,
  type MultiBehaviorArgs,
  type ProgressCallback,
  streamAliCcp,
  streamAliExpress,
  streamOtto,
  syntheticPreset,
} from '@dtrn/datasets/node';
import type { DataConfig } from '../config/data-config.js';
import { ProgressReporter } from '../runtime/progress.js';
import { checkMmoeSource, loadMmoeData } from './mmoe-data.js';
import { readPreparedRecord, type TablePreparation } from './preparation.js';
import { checkTableSource, describeTable, PREPARED_DIRECTORY, prepareTableData } from './table-data.js';

export interface LoadedData {
  readonly schema: DatasetSchema;
  readonly train: InMemoryDataset;
  readonly validation: InMemoryDataset;
  readonly test: InMemoryDataset;
  /** One line for logs and reports. */
  readonly description: string;
  /** Loader-specific provenance (row accounting, leakage report), JSON-able. */
  readonly provenance: Record<string, unknown>;
  /** Row accounting of each raw file read (read = used + skipped + filtered); empty otherwise. */
  readonly files: readonly FileReport[];
  /**
   * Raw-id vocabularies by id space (real data sets; shards that `dtrn prepare` wrote them for), or
   * null when the ids are already table rows (synthetic data).
   */
  readonly vocabularies: Readonly<Record<string, VocabularyJson>> | null;
  /**
   * Shards written by `dtrn prepare table`: its dataset config and training statistics, which
   * `dtrn train` keeps in the run so `dtrn predict` reads new raw rows the same way.
   */
  readonly preparation?: TablePreparation | null;
}

/** File of a prepared directory (and of a trained run) holding the raw-id vocabularies. */
export const VOCABULARIES_FILE = 'vocabularies.json';

/** Vocabularies keyed by their id space, as JSON. */
export function vocabulariesJson(
  vocabularies: Readonly<Record<string, Vocabulary>>,
): Record<string, VocabularyJson> {
  return Object.fromEntries(Object.values(vocabularies).map((v) => [v.idSpace, v.toJSON()]));
}

/** Largest vocabularies file read: 512 MiB (about V8's longest string). */
const MAX_VOCABULARIES_BYTES = 2 ** 29;

/**
 * Reads and validates `directory/vocabularies.json` through the checked reader (strict JSON; every
 * entry a valid `VocabularyJson`; a DataError names the file), or null when there is none.
 */
export async function readVocabularies(directory: string): Promise<Record<string, VocabularyJson> | null> {
  const storage = new FileStorage(directory);
  if (!(await storage.exists(VOCABULARIES_FILE))) return null;
  const file = join(directory, VOCABULARIES_FILE);
  const parsed = parseJson(await storage.readText(VOCABULARIES_FILE, { maxBytes: MAX_VOCABULARIES_BYTES }), {
    file,
  });
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new DataError('the vocabularies file must hold an object keyed by id space', { where: { file } });
  }
  return Object.fromEntries(
    Object.entries(parsed).map(([name, json]) => [name, Vocabulary.fromJSON(json, file).toJSON()]),
  );
}

/** Expected raw files per data set, relative to `--data`. */
export const RAW_FILES = Object.freeze({
  'ali-ccp': {
    trainSkeleton: 'sample_skeleton_train.csv',
    trainCommonFeatures: 'common_features_train.csv',
    testSkeleton: 'sample_skeleton_test.csv',
    testCommonFeatures: 'common_features_test.csv',
  },
  aliexpress: { train: 'train.csv', test: 'test.csv' },
});

const DOWNLOAD_HINT: Readonly<Record<'otto' | 'ali-ccp' | 'aliexpress', string>> = {
  otto: 'the OTTO training file (otto-recsys-train.jsonl or a file in the same JSON-lines format)',
  'ali-ccp': `a directory with ${Object.values(RAW_FILES['ali-ccp']).join(', ')} (Ali-CCP from Tianchi)`,
  aliexpress: `a country directory with ${Object.values(RAW_FILES.aliexpress).join(', ')} (AliExpress from Tianchi)`,
};

/** Throws a ConfigError naming what is missing and what was expected. */
export function requireDataPath(kind: 'otto' | 'ali-ccp' | 'aliexpress' | 'shards', path: string): void {
  const expected = kind === 'shards' ? 'a directory written by `dtrn prepare`' : DOWNLOAD_HINT[kind];
  if (!path) throw new ConfigError(`data.path is required for ${kind} data (--data <path>)`, { expected });
  if (!existsSync(path)) throw new ConfigError(`data.path: ${path} does not exist`, { expected });
  const isDirectory = statSync(path).isDirectory();
  if (kind === 'otto' && isDirectory)
    throw new ConfigError(`data.path: ${path} is a directory`, { expected });
  if (kind !== 'otto' && !isDirectory)
    throw new ConfigError(`data.path: ${path} is not a directory`, { expected });
  const files =
    kind === 'ali-ccp' || kind === 'aliexpress'
      ? Object.values(RAW_FILES[kind])
      : kind === 'shards'
        ? ['train/manifest.json', 'validation/manifest.json', 'test/manifest.json']
        : [];
  const missing = files.filter((file) => !existsSync(join(path, file)));
  if (missing.length > 0) {
    throw new ConfigError(`data.path: ${path} lacks ${missing.join(', ')}`, { expected });
  }
}

/**
 * Checks the files of real data, tables and shards exist (synthetic data needs none) and the
 * MMoE generator's knobs are valid.
 */
export function checkDataSource(config: DataConfig): void {
  if (config.kind === 'table') checkTableSource(config);
  else if (config.kind === 'mmoe-synthetic') checkMmoeSource(config);
  else if (config.kind !== 'synthetic') requireDataPath(config.kind, config.path);
}

function withoutNonJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, item) => (ArrayBuffer.isView(item) ? undefined : item)));
}

/** Splits (and provenance) of a data config for one seed. */
export async function loadData(
  config: DataConfig,
  seed: number,
  onProgress?: ProgressCallback,
): Promise<LoadedData> {
  if (config.kind === 'synthetic') {
    const args = syntheticPreset(config.setting, config.size, {
      ...(config.generator as MultiBehaviorArgs),
      seed,
    });
    const data = generateMultiBehaviorData(args);
    const splits = splitDataset(data, { by: config.split.by, fractions: config.split.fractions, seed });
    return {
      schema: data.schema,
      ...splits,
      description: `synthetic ${config.setting}/${config.size}, ${data.size} rows (seed ${seed})`,
      provenance: { generator: args, biases: data.synthetic.biases },
      files: [],
      vocabularies: null,
    };
  }
  if (config.kind === 'mmoe-synthetic') return loadMmoeData(config, seed);
  if (config.kind === 'table') return loadTable(config, seed);
  requireDataPath(config.kind, config.path);
  if (config.kind === 'shards') {
    const [train, validation, test] = await Promise.all(
      (['train', 'validation', 'test'] as const).map((split) => readShards(join(config.path, split))),
    );
    return {
      schema: train!.schema,
      train: train!,
      validation: validation!,
      test: test!,
      description: `shards at ${config.path}`,
      provenance: { path: config.path },
      files: [],
      vocabularies: await readVocabularies(config.path),
      preparation: await readPreparedRecord(config.path),
    };
  }
  const loaded =
    config.kind === 'otto'
      ? await loadOtto(fileSource(config.path), loaderArgs(config, seed, onProgress))
      : config.kind === 'ali-ccp'
        ? await loadAliCcp(aliCcpSources(config.path), loaderArgs(config, seed, onProgress))
        : await loadAliExpress(aliExpressSources(config.path), loaderArgs(config, seed, onProgress));
  return { ...describeRaw(config, loaded), ...loaded.datasets };
}

/**
 * Table data outside a run: prepared into a temporary directory, read, and the directory removed
 * (`train` and `compare` prepare into the run instead, once: `runData` in table-data.ts).
 */
async function loadTable(config: Extract<DataConfig, { kind: 'table' }>, seed: number): Promise<LoadedData> {
  const scratch = await mkdtemp(join(tmpdir(), 'dtrn-table-'));
  try {
    const directory = join(scratch, PREPARED_DIRECTORY);
    const shards = await prepareTableData(config, directory, new ProgressReporter('quiet'), { reuse: false });
    const loaded = await loadData(shards, seed);
    return { ...loaded, description: describeTable(config, 'a temporary directory') };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** A raw data set's config: the named loaders' files. */
export type RawDataConfig = Extract<DataConfig, { kind: 'otto' | 'ali-ccp' | 'aliexpress' }>;

/** What a raw data set is, without its rows (`streamRawData` hands those out batch by batch). */
export type RawDataSummary = Omit<LoadedData, 'train' | 'validation' | 'test'>;

function loaderArgs(config: RawDataConfig, seed: number, onProgress: ProgressCallback | undefined) {
  return { seed, ...config.loader, ...(onProgress ? { onProgress } : {}) };
}

function aliCcpSources(path: string) {
  const files = RAW_FILES['ali-ccp'];
  return {
    trainSkeleton: fileSource(join(path, files.trainSkeleton)),
    trainCommonFeatures: fileSource(join(path, files.trainCommonFeatures)),
    testSkeleton: fileSource(join(path, files.testSkeleton)),
    testCommonFeatures: fileSource(join(path, files.testCommonFeatures)),
  };
}

function aliExpressSources(path: string) {
  return {
    train: fileSource(join(path, RAW_FILES.aliexpress.train)),
    test: fileSource(join(path, RAW_FILES.aliexpress.test)),
  };
}

function describeRaw(
  config: RawDataConfig,
  result: {
    schema: DatasetSchema;
    report: { file: FileReport } | { files: Readonly<Record<string, FileReport>> };
    leakage?: unknown;
    vocabularies: Readonly<Record<string, Vocabulary>>;
  },
): RawDataSummary {
  const report = result.report;
  return {
    schema: result.schema,
    files: 'file' in report ? [report.file] : Object.values(report.files),
    description: `${config.kind} from ${config.path}`,
    provenance: withoutNonJson({ report, leakage: result.leakage ?? null }) as Record<string, unknown>,
    vocabularies: vocabulariesJson(result.vocabularies),
  };
}

/**
 * Streams a raw data set: `onBatch` gets each split's rows in batches (file order, bounded memory:
 * the loader's vocabularies plus one batch per split), for writing shards of files of any size.
 */
export async function streamRawData(
  config: RawDataConfig,
  seed: number,
  onProgress: ProgressCallback | undefined,
  onBatch: (split: 'train' | 'validation' | 'test', batch: InMemoryDataset) => Promise<void>,
): Promise<RawDataSummary> {
  requireDataPath(config.kind, config.path);
  const args = loaderArgs(config, seed, onProgress);
  const result =
    config.kind === 'otto'
      ? await streamOtto(fileSource(config.path), args, onBatch)
      : config.kind === 'ali-ccp'
        ? await streamAliCcp(aliCcpSources(config.path), args, onBatch)
        : await streamAliExpress(aliExpressSources(config.path), args, onBatch);
  return describeRaw(config, result);
}
