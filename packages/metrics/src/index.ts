export {
  type AccumulatorAddOptions,
  aucUndefinedReason,
  MetricAccumulator,
  type TaskMetrics,
} from './accumulator.js';
export { type AucParts, auc, aucOfSortedRange, aucOrUndefined } from './auc.js';
export {
  type BootstrapInterval,
  type BootstrapOptions,
  bootstrapCi,
  meanAndStd,
  type PairedBootstrapInterval,
  pairedBootstrapDiff,
  percentileInterval,
  type WeightedMetric,
} from './bootstrap.js';
export { type GaucResult, gauc } from './gauc.js';
export { LOGLOSS_EPSILON, logloss, weightedLogloss } from './logloss.js';
export {
  type PairedScoredGroup,
  type PooledBootstrapInterval,
  type PooledPairedBootstrapInterval,
  pooledBootstrapCi,
  pooledPairedBootstrapDiff,
  type ScoredGroup,
} from './pooled-bootstrap.js';
export {
  buildReport,
  formatReportTable,
  MultiTaskAccumulator,
  type MultiTaskBatch,
  type MultiTaskReport,
} from './report.js';
export { argsortScores } from './sort.js';
export type { GroupArray, NumericArray } from './validate.js';
