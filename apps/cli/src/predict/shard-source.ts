/**
 * Prepared shards as a `dtrn predict` source, streamed shard by shard (`iterateShards`: about one
 * shard in memory). The ids in shards are rows of the vocabularies they were prepared with, so
 * those must be the run's (and, for `dtrn prepare table` data, so must the numeric statistics);
 * otherwise a ConfigError names the id space or field and points to scoring the raw file instead.
 */
import { ConfigError } from '@dtrn/base';
import { type DatasetSchema, type InMemoryDataset, Vocabulary, type VocabularyJson } from '@dtrn/data';
import { iterateShards, readShardManifest } from '@dtrn/data/node';
import { readVocabularies } from '../data/load-data.js';
import { readPreparedRecord, type TablePreparation } from '../data/preparation.js';
import { alignSchema } from './align-schema.js';
import { float32Text } from './float-text.js';
import type { KeptColumn, PredictSource } from './sources.js';

const RAW_HINT =
  "score the raw file with the dataset config instead (dtrn predict --data <file>), which maps raw ids with the run's vocabularies";

function sameVocabulary(a: VocabularyJson, b: VocabularyJson): boolean {
  return (
    a.oov === b.oov &&
    (a.hashBuckets ?? 0) === (b.hashBuckets ?? 0) &&
    a.ids.length === b.ids.length &&
    a.ids.every((id, i) => id === b.ids[i])
  );
}

/** The shards' vocabularies and statistics must be the run's (for the id spaces the model reads). */
function checkSameMapping(
  model: DatasetSchema,
  run: Readonly<Record<string, VocabularyJson>> | null,
  data: Readonly<Record<string, VocabularyJson>> | null,
  runPreparation: TablePreparation | null,
  dataPreparation: TablePreparation | null,
  where: string,
): void {
  for (const space of model.idSpaces) {
    const ours = run?.[space.name];
    const theirs = data?.[space.name];
    if (!ours && !theirs) continue;
    if (!ours || !theirs || !sameVocabulary(ours, theirs)) {
      throw new ConfigError(
        `the ids of id space "${space.name}" in ${where} are rows of another vocabulary than the run's`,
        {
          expected: `data prepared with the run's vocabularies (the prepared directory it was trained on); or ${RAW_HINT}`,
          found: !theirs
            ? 'no vocabulary in the data'
            : !ours
              ? 'no vocabulary in the run'
              : 'a different vocabulary',
        },
      );
    }
  }
  for (const stats of dataPreparation?.numeric ?? []) {
    const ours = runPreparation?.numeric.find((s) => s.field === stats.field);
    if (ours && JSON.stringify(ours) !== JSON.stringify(stats)) {
      throw new ConfigError(
        `numeric field "${stats.field}" in ${where} was transformed with other statistics than the run's`,
        {
          expected: RAW_HINT,
        },
      );
    }
  }
}

/** `--keep` over shards: sparse fields (raw ids where the data has a vocabulary), dense fields, task labels. */
function keptReader(
  schema: DatasetSchema,
  keep: readonly KeptColumn[],
  vocabularies: Readonly<Record<string, VocabularyJson>> | null,
) {
  return keep.map(({ column }) => {
    const sparse = schema.sparseFields.findIndex((f) => f.name === column);
    if (sparse >= 0) {
      const json = vocabularies?.[schema.sparseFields[sparse]!.idSpace];
      const vocabulary = json ? Vocabulary.fromJSON(json) : undefined;
      return (rows: InMemoryDataset, i: number) => {
        const row = rows.sparse[sparse]![i]!;
        return vocabulary ? (vocabulary.rawIdAt(row) ?? null) : String(row);
      };
    }
    const dense = schema.denseFields.findIndex((f) => f.name === column);
    if (dense >= 0) return (rows: InMemoryDataset, i: number) => float32Text(rows.dense[dense]![i]!);
    const task = schema.tasks.findIndex((t) => t.name === column);
    if (task >= 0) return (rows: InMemoryDataset, i: number) => String(rows.labels[task]![i]!);
    throw new ConfigError(`--keep ${column}: prepared data has no field or task "${column}"`, {
      expected: `one of ${[...schema.sparseFields, ...schema.denseFields, ...schema.tasks].map((f) => f.name).join(', ')}`,
    });
  });
}

export interface ShardSourceOptions {
  /** A shard directory (one with manifest.json). */
  readonly directory: string;
  /** The prepared directory holding vocabularies.json and prepare.json (the parent of a split). */
  readonly preparedDirectory: string;
  readonly description: string;
  readonly model: DatasetSchema;
  readonly runVocabularies: Readonly<Record<string, VocabularyJson>> | null;
  readonly runPreparation: TablePreparation | null;
  readonly keep: readonly KeptColumn[];
}

export async function shardSource(options: ShardSourceOptions): Promise<PredictSource> {
  const { directory } = options;
  const manifest = await readShardManifest(directory);
  // Missing fields first (the clearer message), then whether the ids are rows of the run's vocabularies.
  alignSchema(options.model, manifest.schema, options.description);
  const dataVocabularies = await readVocabularies(options.preparedDirectory);
  checkSameMapping(
    options.model,
    options.runVocabularies,
    dataVocabularies,
    options.runPreparation,
    await readPreparedRecord(options.preparedDirectory),
    options.description,
  );
  const readers = keptReader(manifest.schema, options.keep, dataVocabularies);
  return {
    description: options.description,
    schema: manifest.schema,
    total: manifest.rows,
    keep: options.keep.map((k) => k.name),
    async stream(sink, onRead) {
      let read = 0;
      for await (const shard of iterateShards(directory)) {
        const records = new Float64Array(shard.size);
        for (let i = 0; i < shard.size; i++) records[i] = read + i;
        const kept = readers.map((reader) => Array.from({ length: shard.size }, (_, i) => reader(shard, i)));
        await sink({ rows: shard, records, kept });
        read += shard.size;
        onRead(read);
      }
      return { read, scored: read, skipped: 0, filtered: 0, skippedByReason: [], filteredByReason: [] };
    },
    close: async () => {},
  };
}
