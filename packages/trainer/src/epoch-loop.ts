/**
 * The epoch loop shared by `fit` (one thread) and `fitParallel` (worker threads): global steps,
 * epoch loss means, validation, early stopping, history, checkpoints, resume, `maxSteps`,
 * `signal` and progress events. What differs between the two, the step itself, the evaluation
 * and the state transfers, comes in through a `StepRunner`.
 */
import { ConfigError, DataError, deriveSeed } from '@dtrn/base';
import type { ModelState } from '@dtrn/core';
import type { Batch } from '@dtrn/data';
import type { MultiTaskReport } from '@dtrn/metrics';
import type { LossBalancer } from './balancers/balancer.js';
import type { TrainingBatches } from './batching.js';
import {
  type CheckpointContents,
  latestCheckpointName,
  readLatestCheckpoint,
  removeCheckpointOrphans,
  writeCheckpoint,
} from './checkpoint/checkpoint-store.js';
import type { DenseAdamState } from './dense-adam.js';
import { type ResolvedEarlyStopping, updateEarlyStopping } from './early-stopping.js';
import {
  closeEpoch,
  copyProgress,
  epochMeans,
  freshRunState,
  type RunState,
  recordStep,
  resumedRunState,
} from './epoch-loop-state.js';
import type { EvaluationData } from './evaluate.js';
import type { EpochRecord, FitResult, StopReason } from './events.js';
import type { FitOptions, ResolvedFitOptions } from './fit-options.js';
import { nowSeconds, ProgressMeter } from './progress-meter.js';
import { degenerateTasks, heldDegenerateTasks } from './task-health.js';
import type { StepLocation, StepResult } from './train-step.js';
import {
  checkFingerprint,
  type ElapsedTime,
  TRAINER_STATE_VERSION,
  type TrainerState,
} from './trainer-state.js';

/** Seed of the randomness (dropout) of global step `step`. */
export function stepSeed(seed: number, step: number): number {
  return deriveSeed(seed, 'step', step);
}

/** The model and optimizer state a checkpoint holds. */
export interface RunnerState {
  readonly model: ModelState;
  readonly optimizer: DenseAdamState;
}

/** Where the loop's steps run: the model in this thread, or model copies in workers. */
export interface StepRunner {
  /** One training step at `location` with step randomness `seed`. */
  step(batch: Batch, location: StepLocation, seed: number): StepResult | Promise<StepResult>;
  /** The validation report of the current weights. */
  evaluate(data: EvaluationData, batchSize: number): MultiTaskReport | Promise<MultiTaskReport>;
  getState(): RunnerState | Promise<RunnerState>;
  setState(state: RunnerState): void | Promise<void>;
}

export interface EpochLoopInputs {
  readonly runner: StepRunner;
  readonly taskNames: readonly string[];
  readonly balancer: LossBalancer;
  readonly source: TrainingBatches;
  readonly validationData: EvaluationData | null;
  readonly settings: ResolvedFitOptions;
  readonly options: Pick<FitOptions, 'signal' | 'onProgress' | 'onEpochEnd'>;
  readonly early: ResolvedEarlyStopping;
}

export interface EpochLoopResult extends FitResult {
  /** The best epoch's model state when `restoredBestWeights` (the caller puts it in place), else null. */
  readonly bestModel: ModelState | null;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * The latest checkpoint to resume from, or null for a fresh run. Throws when `resume` is false
 * but the directory already holds checkpoints, or `resume` is true and it holds none.
 */
async function checkpointToResume(
  settings: ResolvedFitOptions,
): Promise<CheckpointContents<TrainerState> | null> {
  if (!settings.checkpoint) return null;
  const { storage, directory } = settings.checkpoint;
  if (settings.resume === false) {
    const existing = await latestCheckpointName(storage, directory);
    if (existing !== null) {
      throw new ConfigError(
        `FitOptions.checkpoint.directory "${directory}" already holds a run's checkpoints`,
        {
          expected: "resume: true (or 'ifExists') to continue it, or an empty directory for a new run",
          found: existing,
        },
      );
    }
    return null;
  }
  await removeCheckpointOrphans(storage, directory); // leftovers of a write a crash interrupted
  const saved = await readLatestCheckpoint<TrainerState>(storage, directory);
  if (!saved && settings.resume === true) {
    throw new DataError('resume: no checkpoint found', {
      where: { file: directory },
      expected: `${directory}/latest.json (or resume: 'ifExists' to start fresh)`,
    });
  }
  return saved;
}

function wholeRunTime(total: ElapsedTime, before: ElapsedTime) {
  const samplesPerSecond = total.stepSeconds > 0 ? total.samples / total.stepSeconds : 0;
  return { seconds: total.seconds, secondsBeforeResume: before.seconds, samplesPerSecond };
}

export async function runEpochLoop(inputs: EpochLoopInputs): Promise<EpochLoopResult> {
  const { runner, taskNames, balancer, source, validationData, settings, options, early } = inputs;
  const batchesPerEpoch = source.batchesPerEpoch;
  const fingerprint = {
    taskNames: [...taskNames],
    seed: settings.seed,
    batchesPerEpoch,
    balancing: balancer.method,
    monitor: early.monitor.name,
  };

  const runStart = nowSeconds();
  const meter = new ProgressMeter(taskNames.length);
  const saved = await checkpointToResume(settings);
  if (saved) {
    checkFingerprint(saved.trainer, fingerprint, `resume from ${settings.checkpoint?.directory}`);
    await runner.setState({ model: saved.model, optimizer: saved.optimizer });
    balancer.setState(saved.trainer.balancer);
  }
  // Everything a checkpoint saves and a resume restores, besides the runner's and balancer's own.
  const run: RunState = saved
    ? resumedRunState(saved.trainer, saved.bestModel)
    : freshRunState(taskNames.length);
  const progress = run.progress; // the same object throughout: only its fields change
  const resumedFromStep = saved ? progress.globalStep : null;
  const elapsed = (): ElapsedTime => {
    const { samples, stepSeconds } = meter.runTotals();
    return {
      seconds: run.elapsedBefore.seconds + nowSeconds() - runStart,
      stepSeconds: run.elapsedBefore.stepSeconds + stepSeconds,
      samples: run.elapsedBefore.samples + samples,
    };
  };

  let lastCheckpoint: string | null = null;
  let lastCheckpointStep = saved ? progress.globalStep : -1;
  const saveCheckpoint = async () => {
    const target = settings.checkpoint;
    if (!target || lastCheckpointStep === progress.globalStep) return;
    const state = await runner.getState();
    const trainer: TrainerState = {
      version: TRAINER_STATE_VERSION,
      fingerprint,
      ...copyProgress(progress),
      balancer: balancer.getState(),
      elapsed: elapsed(),
    };
    const contents: CheckpointContents<TrainerState> = {
      step: progress.globalStep,
      epoch: progress.epoch,
      batchIndex: progress.batchIndex,
      trainer,
      model: state.model,
      bestModel: run.bestModel,
      optimizer: state.optimizer,
    };
    lastCheckpoint = await writeCheckpoint(target.storage, target.directory, contents, target.keep);
    lastCheckpointStep = progress.globalStep;
  };

  const plannedSteps = settings.epochs * batchesPerEpoch;
  const totalSteps = settings.maxSteps === null ? plannedSteps : Math.min(plannedSteps, settings.maxSteps);
  let stoppedReason: StopReason = progress.stoppedEarly ? 'earlyStopping' : 'completed';
  let lastYield = nowSeconds();

  training: while (!progress.stoppedEarly && progress.epoch < settings.epochs) {
    for (const batch of source.epoch(progress.epoch, progress.batchIndex)) {
      if (options.signal?.aborted) {
        stoppedReason = 'aborted';
        break training;
      }
      if (settings.maxSteps !== null && progress.globalStep >= settings.maxSteps) {
        stoppedReason = 'maxSteps';
        break training;
      }
      const started = nowSeconds();
      const location = {
        step: progress.globalStep + 1,
        epoch: progress.epoch,
        batchIndex: progress.batchIndex,
      };
      const result = await runner.step(batch, location, stepSeed(settings.seed, location.step));
      meter.record(result.taskLosses, result.objective, batch.size, nowSeconds() - started);
      recordStep(progress, result);
      if (
        options.onProgress &&
        (progress.globalStep % settings.progressEverySteps === 0 || progress.batchIndex === batchesPerEpoch)
      ) {
        await options.onProgress(
          meter.event({
            epoch: progress.epoch,
            epochs: settings.epochs,
            step: progress.globalStep,
            totalSteps,
            batchIndex: progress.batchIndex,
            batchesPerEpoch,
            taskWeights: balancer.taskWeights(),
          }),
        );
      }
      const every = settings.checkpoint?.everySteps ?? 0;
      if (every > 0 && progress.globalStep % every === 0 && progress.batchIndex < batchesPerEpoch) {
        await saveCheckpoint();
      }
      if (nowSeconds() - lastYield > 0.05) {
        await yieldToEventLoop(); // lets an abort (Ctrl-C) or a UI update in
        lastYield = nowSeconds();
      }
    }

    const { epoch, batchIndex, history } = progress;
    if (batchIndex !== batchesPerEpoch) {
      throw new DataError('the training batches ended early', {
        expected: `${batchesPerEpoch} batches in epoch ${epoch}`,
        found: batchIndex,
      });
    }
    const validation = validationData
      ? await runner.evaluate(validationData, settings.evaluationBatchSize)
      : null;
    const monitorValue = validation ? early.monitor.read(validation) : null;
    const update = validation
      ? updateEarlyStopping(progress.earlyStopping, early, monitorValue, epoch)
      : { state: progress.earlyStopping, improved: false, shouldStop: false };
    progress.earlyStopping = update.state;
    if (update.improved) run.bestModel = (await runner.getState()).model;
    const degenerate = validation
      ? degenerateTasks(validation, [...history.map((entry) => entry.validation), validation])
      : [];
    const record: EpochRecord = {
      epoch,
      steps: progress.epochSteps,
      ...epochMeans(progress),
      taskWeights: balancer.taskWeights(),
      validation,
      monitorValue,
      improved: update.improved,
      degenerateTasks: degenerate,
    };
    closeEpoch(progress, record, update.shouldStop);
    if (progress.stoppedEarly) stoppedReason = 'earlyStopping';
    if (options.onEpochEnd) {
      await options.onEpochEnd({ ...record, epochs: settings.epochs, bestEpoch: update.state.bestEpoch });
    }
    await saveCheckpoint();
  }

  if (stoppedReason === 'aborted' || stoppedReason === 'maxSteps') await saveCheckpoint();
  const { history, earlyStopping } = progress;
  const restoredBestWeights =
    (stoppedReason === 'completed' || stoppedReason === 'earlyStopping') &&
    early.restoreBestWeights &&
    run.bestModel !== null;
  return {
    degenerateTasks: heldDegenerateTasks(history, restoredBestWeights ? earlyStopping.bestEpoch : null),
    history,
    monitor: early.monitor.name,
    bestEpoch: earlyStopping.bestEpoch,
    bestValue: earlyStopping.bestValue,
    restoredBestWeights,
    stoppedReason,
    steps: progress.globalStep,
    epochsCompleted: history.length,
    resumedFromStep,
    lastCheckpoint,
    taskWeights: balancer.taskWeights(),
    ...wholeRunTime(elapsed(), run.elapsedBefore),
    bestModel: restoredBestWeights ? run.bestModel : null,
  };
}
