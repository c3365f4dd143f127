/**
 * `--data` of `dtrn predict` to a source: a prepared directory (`--split`, default test) or one of
 * its split directories (shards, ids already rows of the run's vocabularies); a dataset config
 * (`.yaml`/`.yml`: its `file`, or `files[--split]`); any other file is a raw table read with
 * `--dataset-config`, or with the dataset config the run was prepared with.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { ConfigError } from '@dtrn/base';
import type { DatasetSchema, VocabularyJson } from '@dtrn/data';
import { readTableConfigFile, type SplitName } from '@dtrn/prepare';
import type { TablePreparation } from '../data/preparation.js';
import { shardSource } from './shard-source.js';
import type { KeptColumn, PredictSource } from './sources.js';
import { tableSource } from './table-source.js';

export interface OpenSourceOptions {
  readonly data: string;
  readonly split: SplitName | undefined;
  readonly datasetConfig: string | undefined;
  readonly model: DatasetSchema;
  readonly runVocabularies: Readonly<Record<string, VocabularyJson>> | null;
  readonly runPreparation: TablePreparation | null;
  readonly keep: readonly KeptColumn[];
  readonly badInput: 'error' | 'skip' | undefined;
  readonly duckdb: { memoryLimit?: string; tempDirectory?: string; threads?: number } | undefined;
}

const CONFIG_EXTENSIONS = ['.yaml', '.yml'];

function refuse(flag: string, value: unknown, applies: string): void {
  if (value !== undefined) throw new ConfigError(`${flag} applies to ${applies}`, { found: value });
}

export async function openSource(options: OpenSourceOptions): Promise<PredictSource> {
  const { data } = options;
  if (!existsSync(data)) {
    throw new ConfigError(`--data ${data} does not exist`, {
      expected: 'a prepared directory, a dataset config (.yaml) or a raw data file',
    });
  }
  const shared = {
    model: options.model,
    runVocabularies: options.runVocabularies,
    runPreparation: options.runPreparation,
    keep: options.keep,
  };
  if (statSync(data).isDirectory()) {
    refuse('--dataset-config', options.datasetConfig, 'raw files (a prepared directory has its own)');
    refuse('--bad-input', options.badInput, 'raw files (prepared data was checked when it was prepared)');
    if (existsSync(join(data, 'train', 'manifest.json'))) {
      const split = options.split ?? 'test';
      const directory = join(data, split);
      if (!existsSync(join(directory, 'manifest.json'))) {
        throw new ConfigError(`--data ${data} has no ${split} split`, {
          expected: 'train, validation or test',
        });
      }
      return shardSource({
        ...shared,
        directory,
        preparedDirectory: data,
        description: `${data} (${split} split)`,
      });
    }
    if (existsSync(join(data, 'manifest.json'))) {
      refuse('--split', options.split, 'prepared directories (this is one split)');
      const parent = dirname(data);
      const prepared = existsSync(join(parent, 'prepare.json')) ? parent : data;
      return shardSource({ ...shared, directory: data, preparedDirectory: prepared, description: data });
    }
    throw new ConfigError(`--data ${data} is a directory but not prepared data`, {
      expected:
        'a directory written by dtrn prepare (train/manifest.json) or one of its splits (manifest.json)',
    });
  }
  const table = {
    ...shared,
    ...(options.badInput !== undefined ? { badInput: options.badInput } : {}),
    ...(options.duckdb !== undefined ? { duckdb: options.duckdb } : {}),
  };
  if (CONFIG_EXTENSIONS.includes(extname(data).toLowerCase())) {
    refuse('--dataset-config', options.datasetConfig, 'raw files (--data is a dataset config here)');
    return tableSource({
      ...table,
      config: await readTableConfigFile(data),
      configPath: data,
      ...(options.split !== undefined ? { split: options.split } : {}),
    });
  }
  refuse('--split', options.split, 'prepared directories and dataset configs with files per split');
  if (options.datasetConfig !== undefined) {
    return tableSource({
      ...table,
      config: await readTableConfigFile(options.datasetConfig),
      configPath: options.datasetConfig,
      file: data,
    });
  }
  if (!options.runPreparation) {
    throw new ConfigError(`--data ${data}: a raw file needs the dataset config that describes it`, {
      expected:
        '--dataset-config <dataset.yaml>; runs trained on dtrn prepare table data carry theirs. Raw OTTO, Ali-CCP and AliExpress files are not read directly: score the prepared directory the run was trained on',
    });
  }
  return tableSource({
    ...table,
    config: options.runPreparation.config,
    configPath: options.runPreparation.configPath,
    file: data,
  });
}
