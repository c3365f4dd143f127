/**
 * A raw file (CSV, TSV, JSON lines, Parquet) read with a dataset config as a `dtrn predict` source:
 * @dtrn/prepare's `TableScorer` reads and checks it as `dtrn prepare table` did, maps ids with the
 * run's vocabularies and numbers with the run's statistics, and streams it in file order.
 */
import { ConfigError } from '@dtrn/base';
import type { VocabularyJson } from '@dtrn/data';
import { type SplitName, TableScorer } from '@dtrn/prepare';
import type { TablePreparation } from '../data/preparation.js';
import type { KeptColumn, PredictSource } from './sources.js';

export interface TableSourceOptions {
  /** The dataset config (as parsed) and its path. */
  readonly config: Record<string, unknown>;
  readonly configPath: string;
  /** The file to score (else the config's `file`, or `files[split]`). */
  readonly file?: string;
  readonly split?: SplitName;
  readonly runVocabularies: Readonly<Record<string, VocabularyJson>> | null;
  readonly runPreparation: TablePreparation | null;
  readonly keep: readonly KeptColumn[];
  readonly badInput?: 'error' | 'skip';
  readonly duckdb?: { memoryLimit?: string; tempDirectory?: string; threads?: number };
}

export async function tableSource(options: TableSourceOptions): Promise<PredictSource> {
  if (!options.runVocabularies) {
    throw new ConfigError('the run has no vocabularies.json to map raw ids with', {
      expected:
        'a run trained with dtrn train on data prepared by dtrn prepare (which writes the vocabularies)',
    });
  }
  const scorer = await TableScorer.open(options.config, {
    configPath: options.configPath,
    ...(options.file !== undefined ? { file: options.file } : {}),
    ...(options.split !== undefined ? { split: options.split } : {}),
    saved: { vocabularies: options.runVocabularies, numeric: options.runPreparation?.numeric ?? [] },
    keep: options.keep.map((k) => k.column),
    ...(options.badInput !== undefined ? { badInput: options.badInput } : {}),
    ...(options.duckdb ? { duckdb: options.duckdb } : {}),
  });
  return {
    description: scorer.files.join(', '),
    schema: scorer.schema,
    total: undefined,
    keep: options.keep.map((k) => k.name),
    stream: (sink, onRead) => scorer.stream(sink, onRead),
    close: async () => scorer.close(),
  };
}
