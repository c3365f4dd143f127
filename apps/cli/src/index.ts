/**
 * Programmatic API of the `dtrn` app (the binary is `dist/bin.js`). Tests and scripts call the same
 * functions the subcommands call.
 */

export { deepMerge } from '@dtrn/base';
// The results types come from the comparison engine; results.json adds the app's fields.
export type {
  CreateModelOptions,
  DegenerateEntry,
  EpochSummary,
  GainInterval,
  MeaningfulnessCheck,
  MeanStd,
  ModelCatalog,
  ModelRun,
  ModelSummary,
  OracleSummary,
  TaskScores,
} from '@dtrn/compare';
export {
  type BenchOutcome,
  type BenchRow,
  formatBenchTable,
  type RunBenchOptions,
  runBench,
} from './compare/run-bench.js';
export { type RunCompareOptions, resolveCompareConfig, runCompare } from './compare/run-compare.js';
export {
  EVALUATION_SPLITS,
  type EvaluationOutcome,
  type EvaluationSplit,
  type RunEvaluateOptions,
  runEvaluate,
} from './compare/run-evaluate.js';
export type { RunOutcome, TrainingRunOptions } from './compare/run-options.js';
export { type RunTrainOptions, resolveTrainConfig, runTrain } from './compare/run-train.js';
export {
  COMPARE_PRESET_NAMES,
  COMPARE_PRESETS,
  comparePreset,
  FULL_MODEL_SET,
} from './config/compare-presets.js';
export { DATA_KINDS, type DataConfig, dataSchema } from './config/data-config.js';
export { readConfigFile } from './config/load-config.js';
export {
  type CompareConfig,
  type CompareConfigInput,
  compareConfigSchema,
  type TrainConfig,
  type TrainConfigInput,
  trainConfigSchema,
} from './config/run-configs.js';
export { formatIssues, parseStrict, strictObject } from './config/strict-schema.js';
export { type TrainingConfig, trainingSchema } from './config/training-config.js';
export { type LoadedData, loadData, RAW_FILES } from './data/load-data.js';
export {
  PREPARE_DATASETS,
  type PrepareOutcome,
  type RunPrepareOptions,
  runPrepare,
} from './data/run-prepare.js';
export {
  formatAccounting,
  PredictInterrupted,
  type PredictOutcome,
  type RunPredictOptions,
  runPredict,
} from './predict/run-predict.js';
export { createProgram, loadDtrnCatalog, type ProgramOptions, SUBCOMMANDS } from './program.js';
export { renderComparisonHtml } from './report/comparison-html.js';
export { type ReportExtras, renderReportHtml } from './report/report-html.js';
export { type ReportRun, readReportRun, type StepSeries } from './report/report-run.js';
export {
  RESULTS_FORMAT,
  RESULTS_VERSION,
  type RunResults,
  readRunResults,
  upgradeModelRun,
} from './report/results-file.js';
export { formatResultsMarkdown } from './report/results-markdown.js';
export {
  defaultComparisonFile,
  regenerateReport,
  writeComparisonReport,
  writeReport,
} from './report/write-report.js';
export { type BackendRecord, useBackend } from './runtime/backend.js';
export {
  type OutputStreams,
  PROGRESS_MODES,
  type ProgressMode,
  ProgressReporter,
} from './runtime/progress.js';
export { RUN_FILES, RunDirectory } from './runtime/run-directory.js';
