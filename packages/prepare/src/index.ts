// @dtrn/prepare: any tabular data set, described by one YAML or JSON config, prepared on DuckDB into
// the @dtrn/data shard format. Node only (DuckDB is a native module).

export { resolveTableConfig, TABLE_CONFIG_KEYS } from './config/resolve-config.js';
export type {
  FieldConfig,
  FileFormat,
  SequencesConfig,
  SplitConfig,
  SplitName,
  TableConfig,
  TaskConfig,
} from './config/types.js';
export {
  type PrepareEvent,
  type PrepareTableOptions,
  type PrepareTableResult,
  prepareTable,
} from './prepare/prepare-table.js';
export { readTableConfigFile } from './prepare/read-config.js';
export { formatPrepareReport, type PrepareReport } from './prepare/report.js';
export type { SavedPreparation } from './score/saved-state.js';
export {
  type ScoredBlock,
  type ScoreReport,
  type ScoreTableOptions,
  TableScorer,
} from './score/score-table.js';
export type { ScoringSource } from './score/scoring-config.js';
export type { ReasonCount, SplitCounts } from './stages/account-rows.js';
export type { EventCounts } from './stages/event-log.js';
export type { NumericStatistics } from './stages/numeric-transforms.js';
export { GROUP_EXTRA } from './stages/write-splits.js';
export { type ParquetColumn, writeParquetFromCsv } from './write/parquet-from-csv.js';
