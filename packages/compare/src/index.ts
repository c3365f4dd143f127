// Browser-safe entry point: no Node built-ins may be imported from here.
export {
  type CreateModelOptions,
  checkComparisonModels,
  checkModelName,
  checkModelsFit,
  gainPairs,
  type ModelCatalog,
  transferPairs,
} from './catalog.js';
export { checkSeedData, type SeedData, SPLITS } from './check-data.js';
export { type ComparisonOutcome, compareModels } from './compare-models.js';
export {
  BALANCING_NAMES,
  type BalancingName,
  type BootstrapSettings,
  type CheckSettings,
  type ComparisonConfig,
  type ComparisonConfigInput,
  DEFAULT_BOOTSTRAP,
  DEFAULT_CHECK,
  DEFAULT_COMPARISON,
  DEFAULT_TRAINING,
  overridesFor,
  resolveComparisonConfig,
  seedsOf,
  type TrainingSettings,
  VALIDATION_TIMINGS,
  type ValidationTiming,
} from './config.js';
export { degenerateHeadline, describeEntries, isDegenerate, runDegenerate } from './degenerate.js';
export { computeGains, degenerateExclusion, type Exclusion, withAucIntervals } from './gains.js';
export { meaningfulnessCheck, notApplicable, SEQUENCE_ONLY_ORACLE } from './meaningfulness.js';
export type {
  ComparisonDataSource,
  ComparisonEvent,
  ComparisonOptions,
  ComparisonStore,
  RunKey,
  RunTrainer,
  TrainRequest,
} from './options.js';
export type {
  ComparisonResults,
  DegenerateEntry,
  EpochSummary,
  GainInterval,
  MeaningfulnessCheck,
  MeanStd,
  ModelRun,
  ModelSummary,
  OracleAuc,
  OracleSummary,
  TaskScores,
} from './results.js';
export { inSampleSpace, type SeedScores, seedScores } from './sample-space.js';
export { meanStd, oracleAucs, summariseModels, summariseOracles } from './summarise.js';
