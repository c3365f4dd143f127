/**
 * Programmatic API of the `dtrn` app (the binary is `dist/bin.js`). Tests and scripts call the same
 * functions the subcommands call.
 */

export { formatResultsMarkdown } from './compare/results-markdown.js';
export * from './compare/results-types.js';
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
export { deepMerge, readConfigFile } from './config/load-config.js';
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
export type { CreateModelOptions, ModelCatalog } from './models/model-catalog.js';
export {
  formatAccounting,
  PredictInterrupted,
  type PredictOutcome,
  type RunPredictOptions,
  runPredict,
} from './predict/run-predict.js';
export { createProgram, loadDtrnCatalog, type ProgramOptions, SUBCOMMANDS } from './program.js';
export { renderReportHtml } from './report/report-html.js';
export { regenerateReport, writeReport } from './report/write-report.js';
export { type BackendRecord, useBackend } from './runtime/backend.js';
export {
  type OutputStreams,
  PROGRESS_MODES,
  type ProgressMode,
  ProgressReporter,
} from './runtime/progress.js';
export { RUN_FILES, RunDirectory } from './runtime/run-directory.js';
