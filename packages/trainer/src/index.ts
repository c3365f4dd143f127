// Browser-safe entry point: no Node built-ins may be imported from here.
export type { GradientCombination, JsonValue, LossBalancer } from './balancers/balancer.js';
export {
  BALANCING_METHODS,
  type BalancerFactory,
  type BalancingArgs,
  type BalancingMethod,
  createBalancer,
  DEFAULT_GRADNORM,
  type EqualBalancingArgs,
  type FixedBalancingArgs,
  type GradNormBalancingArgs,
  type PcgradBalancingArgs,
  type UncertaintyBalancingArgs,
} from './balancers/create-balancer.js';
export { GradNormBalancer, type GradNormSettings } from './balancers/gradnorm.js';
export { PcgradBalancer, pcgradOrders, projectConflictingGradients } from './balancers/pcgrad.js';
export { StaticWeightsBalancer } from './balancers/static-weights.js';
export { UncertaintyBalancer } from './balancers/uncertainty.js';
export {
  type DatasetBatchesOptions,
  datasetBatches,
  isTrainingBatches,
  type TrainingBatches,
} from './batching.js';
export { type CheckSplitOptions, checkSplit, type TaskClassCount, taskClassCounts } from './check-split.js';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointContents,
  checkpointName,
  DEFAULT_MAX_CHECKPOINT_BYTES,
  latestCheckpointName,
  type ReadCheckpointOptions,
  readLatestCheckpoint,
  removeCheckpointOrphans,
  writeCheckpoint,
} from './checkpoint/checkpoint-store.js';
export { type ArrayDtype, decodeTree, type EncodedTree, encodeTree } from './checkpoint/tree-codec.js';
export {
  type AdamArgs,
  DEFAULT_ADAM,
  DenseAdam,
  type DenseAdamState,
  type ResolvedAdamArgs,
} from './dense-adam.js';
export {
  DEFAULT_EARLY_STOPPING,
  type EarlyStoppingArgs,
  type EarlyStoppingState,
  type Monitor,
  type MonitorName,
  parseMonitor,
  type ResolvedEarlyStopping,
  resolveEarlyStopping,
  updateEarlyStopping,
} from './early-stopping.js';
export { isNonFiniteLossError, NonFiniteLossError, type NonFiniteLossLocation } from './errors.js';
export {
  DEFAULT_EVALUATE,
  type EvaluateOptions,
  type EvaluationData,
  type EvaluationResult,
  evaluate,
  predictBatch,
} from './evaluate.js';
export type { EpochEndEvent, EpochRecord, FitResult, ProgressEvent, StopReason } from './events.js';
export { fit, stepSeed } from './fit.js';
export {
  type CheckpointArgs,
  DEFAULT_FIT,
  type FitOptions,
  type ResolvedFitOptions,
  resolveFitOptions,
} from './fit-options.js';
export {
  binaryCrossEntropyWithLogits,
  createTaskTargets,
  disposeTargets,
  maskedTaskLoss,
  maskedTaskLosses,
  type TaskTarget,
} from './loss.js';
export {
  type DegenerateReason,
  type DegenerateTask,
  degenerateTasks,
  describeDegenerate,
  hasConstantPredictions,
} from './task-health.js';
export {
  type ElapsedTime,
  type EpochLoopProgress,
  TRAINER_STATE_KEYS,
  type TrainerState,
  validateTrainerState,
} from './trainer-state.js';
