/** Progress and epoch events of `fit`, and its result. */
import type { MultiTaskReport } from '@dtrn/metrics';
import type { DegenerateTask } from './task-health.js';

export interface ProgressEvent {
  /** Current epoch (0-based). */
  readonly epoch: number;
  readonly epochs: number;
  /** Global steps done (1-based count). */
  readonly step: number;
  /** Planned steps (epochs x batches per epoch, capped by maxSteps); early stopping may end sooner. */
  readonly totalSteps: number;
  /** Batches done in this epoch. */
  readonly batchIndex: number;
  readonly batchesPerEpoch: number;
  /** Mean L_k per task over the steps since the previous event. */
  readonly lossPerTask: readonly number[];
  /** Mean balanced objective over the same steps. */
  readonly loss: number;
  /** Current task weights of the balancer. */
  readonly taskWeights: readonly number[];
  /** Training samples per second since the previous event. */
  readonly samplesPerSecond: number;
  /** Estimated seconds to `totalSteps` at the run's average step rate. */
  readonly etaSeconds: number;
  /** Seconds of training in this run (resumed runs count from the resume). */
  readonly elapsedSeconds: number;
}

/** One epoch of history. */
export interface EpochRecord {
  readonly epoch: number;
  /** Steps in the epoch. */
  readonly steps: number;
  /** Mean L_k per task over the epoch's steps. */
  readonly trainLossPerTask: readonly number[];
  /** Mean balanced objective over the epoch's steps. */
  readonly trainLoss: number;
  /** Task weights at the end of the epoch. */
  readonly taskWeights: readonly number[];
  /** Validation report, or null without validation data. */
  readonly validation: MultiTaskReport | null;
  /** The early-stopping monitor's value, or null. */
  readonly monitorValue: number | null;
  /** True when this epoch became the best one. */
  readonly improved: boolean;
  /**
   * Tasks that learned nothing by this epoch's validation: constant predictions, or AUC exactly
   * 0.5 at every evaluation so far (empty without validation data).
   */
  readonly degenerateTasks: readonly DegenerateTask[];
}

export interface EpochEndEvent extends EpochRecord {
  readonly epochs: number;
  /** Best epoch so far, or null. */
  readonly bestEpoch: number | null;
}

export type StopReason = 'completed' | 'earlyStopping' | 'maxSteps' | 'aborted';

export interface FitResult {
  readonly history: readonly EpochRecord[];
  /** Name of the monitored metric (e.g. `meanAuc`). */
  readonly monitor: string;
  readonly bestEpoch: number | null;
  readonly bestValue: number | null;
  /** True when the best epoch's weights were put back into the model. */
  readonly restoredBestWeights: boolean;
  readonly stoppedReason: StopReason;
  /** Global steps done, counting steps before a resume. */
  readonly steps: number;
  /** Epochs completed. */
  readonly epochsCompleted: number;
  /** Global step of the checkpoint this run resumed from, or null. */
  readonly resumedFromStep: number | null;
  /** Name of the last checkpoint written by this run, or null. */
  readonly lastCheckpoint: string | null;
  /** Final task weights of the balancer. */
  readonly taskWeights: readonly number[];
  /**
   * Wall-clock seconds of the whole run (validation and checkpoints included); a resumed run adds
   * the time the checkpoint recorded for the segments before it.
   */
  readonly seconds: number;
  /** Of `seconds`, the part recorded by the checkpoint this run resumed from (0 for a fresh run). */
  readonly secondsBeforeResume: number;
  /** Training samples per second of the whole run (time inside steps; segments before a resume included). */
  readonly samplesPerSecond: number;
  /**
   * Degenerate tasks of the weights the model ends with (the best epoch's when restored, else the
   * last evaluated epoch's; AUC 0.5 judged over the whole run). Empty without validation data.
   */
  readonly degenerateTasks: readonly DegenerateTask[];
}
