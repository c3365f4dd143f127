/**
 * The epoch loop's progress as one object, and the few ways it changes: a step finishes, an epoch
 * closes. A checkpoint saves a copy of it whole (inside `TrainerState`); a resume restores it whole.
 */
import type { ModelState } from '@dtrn/core';
import { INITIAL_EARLY_STOPPING_STATE } from './early-stopping.js';
import type { EpochRecord } from './events.js';
import type { StepResult } from './train-step.js';
import {
  type ElapsedTime,
  EPOCH_LOOP_PROGRESS_KEYS,
  type EpochLoopProgress,
  NO_ELAPSED_TIME,
  type TrainerState,
} from './trainer-state.js';

/** `EpochLoopProgress` as the loop changes it (writable fields, writable arrays). */
export type LoopProgress = {
  -readonly [K in keyof EpochLoopProgress]: EpochLoopProgress[K] extends readonly (infer T)[]
    ? T[]
    : EpochLoopProgress[K];
};

/** What a run carries from step to step and a checkpoint carries over a resume. */
export interface RunState {
  progress: LoopProgress;
  /** The best epoch's model state so far (for `restoreBestWeights`). */
  bestModel: ModelState | null;
  /** Time and samples of the segments before a resume. */
  elapsedBefore: ElapsedTime;
}

/** A fresh run: epoch 0, batch 0, zero sums, no history. */
export function freshRunState(numTasks: number): RunState {
  return {
    progress: {
      epoch: 0,
      batchIndex: 0,
      globalStep: 0,
      epochLossSums: new Array<number>(numTasks).fill(0),
      epochObjectiveSum: 0,
      epochSteps: 0,
      earlyStopping: INITIAL_EARLY_STOPPING_STATE,
      history: [],
      stoppedEarly: false,
    },
    bestModel: null,
    elapsedBefore: NO_ELAPSED_TIME,
  };
}

/** The run a checkpoint holds (its trainer state validated by `checkFingerprint` first). */
export function resumedRunState(trainer: TrainerState, bestModel: ModelState | null): RunState {
  return { progress: copyProgress(trainer), bestModel, elapsedBefore: trainer.elapsed };
}

/** The progress fields of `from` (a `TrainerState` or the loop's own), arrays copied. */
export function copyProgress(from: EpochLoopProgress): LoopProgress {
  const picked: Record<string, unknown> = {};
  for (const key of EPOCH_LOOP_PROGRESS_KEYS) picked[key] = from[key];
  return {
    ...(picked as unknown as LoopProgress),
    epochLossSums: [...from.epochLossSums],
    history: [...from.history],
  };
}

/** Adds a finished step's losses to the epoch's sums and moves one batch on. */
export function recordStep(progress: LoopProgress, result: StepResult): void {
  result.taskLosses.forEach((loss, task) => {
    progress.epochLossSums[task]! += loss;
  });
  progress.epochObjectiveSum += result.objective;
  progress.epochSteps += 1;
  progress.globalStep += 1;
  progress.batchIndex += 1;
}

/** The epoch's mean train losses (per task and of the balanced objective). */
export function epochMeans(progress: LoopProgress): { trainLossPerTask: number[]; trainLoss: number } {
  const steps = Math.max(1, progress.epochSteps);
  return {
    trainLossPerTask: progress.epochLossSums.map((sum) => sum / steps),
    trainLoss: progress.epochObjectiveSum / steps,
  };
}

/** Appends the epoch's record, zeroes the sums and moves to the next epoch's first batch. */
export function closeEpoch(progress: LoopProgress, record: EpochRecord, stop: boolean): void {
  progress.history.push(record);
  progress.epoch += 1;
  progress.batchIndex = 0;
  progress.epochLossSums = progress.epochLossSums.map(() => 0);
  progress.epochObjectiveSum = 0;
  progress.epochSteps = 0;
  progress.stoppedEarly = stop;
}
