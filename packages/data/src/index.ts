// The data contract of dtrn, browser-safe: the schema and Batch types, dataset helpers, batches,
// splits, vocabularies and the shard byte format. No Node built-ins may be imported from here.

export {
  type BatchArgs,
  batches,
  countBatches,
  DEFAULT_BATCH_ARGS,
  epochOrder,
  type ResolvedBatchArgs,
  resolveBatchArgs,
} from './batches.js';
export { concatDatasets } from './concat-datasets.js';
export { type CreateDatasetOptions, createEmptyDataset } from './create-dataset.js';
export { type Column, type ColumnDtype, type ColumnRef, listColumns } from './map-columns.js';
export { compareRawIdKeys, type RawId, rawIdKey } from './raw-id.js';
export { sampleMasksFor } from './sample-masks.js';
export { type SchemaSummary, summarizeSchema } from './schema-summary.js';
export {
  checksumHex,
  type DecodeShardOptions,
  decodeShard,
  encodeShard,
  planShard,
  SHARD_COLUMN_ALIGNMENT,
  SHARD_FORMAT,
  SHARD_FORMAT_VERSION,
  type ShardColumnEntry,
  type ShardColumnSpec,
  type ShardEntry,
  type ShardManifest,
  shardColumnsOf,
} from './shard-format.js';
export { validateShardManifest } from './shard-manifest.js';
export {
  type DatasetSplits,
  DEFAULT_SPLIT_ARGS,
  type ResolvedSplitArgs,
  resolveSplitArgs,
  SPLIT_BY,
  type SplitArgs,
  type SplitBy,
  type SplitIndices,
  splitDataset,
  splitIndices,
} from './split-dataset.js';
export { fnv1a32 } from './string-hash.js';
export { sliceRows, takeRows } from './take-rows.js';
export type {
  Batch,
  BehaviorSpec,
  DatasetSchema,
  DenseFieldSpec,
  IdSpaceSpec,
  InMemoryDataset,
  OovPolicy,
  SampleSpace,
  SequenceColumns,
  SequenceSideFieldSpec,
  SequencesSpec,
  SparseFieldSpec,
  TaskSpec,
} from './types.js';
export { validateDataset } from './validate-dataset.js';
export { MAX_ID_SPACE_ROWS, OOV_POLICIES, validateSchema } from './validate-schema.js';
export { MAX_SEQUENCE_LENGTH } from './validate-sequences.js';
export {
  VOCABULARY_FORMAT,
  VOCABULARY_FORMAT_VERSION,
  Vocabulary,
  type VocabularyJson,
  type VocabularyParts,
} from './vocabulary.js';
export { DEFAULT_VOCABULARY_ARGS, type VocabularyArgs, VocabularyBuilder } from './vocabulary-builder.js';
export { IS_LITTLE_ENDIAN, xxhash32 } from './xxhash32.js';
