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
import {
  type EarlyStoppingState,
  INITIAL_EARLY_STOPPING_STATE,
  type ResolvedEarlyStopping,
  updateEarlyStopping,
} from './early-stopping.js';
import type { EvaluationData } from './evaluate.js';
import type { EpochRecord, FitResult, StopReason } from './events.js';
import type { FitOptions, ResolvedFitOptions } from './fit-options.js';
import { nowSeconds, ProgressMeter } from './progress-meter.js';
import { type DegenerateTask, degenerateTasks } from './task-health.js';
import type { StepLocation, StepResult } from './train-step.js';
import {
  checkFingerprint,
  type ElapsedTime,
  NO_ELAPSED_TIME,
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

/**
 * The degenerate tasks of the weights the model ends with: those of the best epoch when they were
 * restored, else of the last evaluated epoch (AUC 0.5 is judged over the whole run).
 */
function heldDegenerateTasks(
  history: readonly EpochRecord[],
  restoredEpoch: number | null,
): DegenerateTask[] {
  const held =
    restoredEpoch === null ? history.at(-1) : history.find((entry) => entry.epoch === restoredEpoch);
  if (!held?.validation) return [];
  return degenerateTasks(
    held.validation,
    history.map((entry) => entry.validation),
  );
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

  let epoch = 0;
  let batchIndex = 0;
  let globalStep = 0;
  let epochLossSums = new Array<number>(taskNames.length).fill(0);
  let epochObjectiveSum = 0;
  let epochSteps = 0;
  let earlyState: EarlyStoppingState = INITIAL_EARLY_STOPPING_STATE;
  let history: EpochRecord[] = [];
  let bestModel: ModelState | null = null;
  let stoppedEarly = false;
  let resumedFromStep: number | null = null;
  let lastCheckpoint: string | null = null;
  let lastCheckpointStep = -1;
  const runStart = nowSeconds();
  const meter = new ProgressMeter(taskNames.length);
  let elapsedBefore: ElapsedTime = NO_ELAPSED_TIME; // segments before a resume
  const elapsed = (): ElapsedTime => {
    const { samples, stepSeconds } = meter.runTotals();
    return {
      seconds: elapsedBefore.seconds + nowSeconds() - runStart,
      stepSeconds: elapsedBefore.stepSeconds + stepSeconds,
      samples: elapsedBefore.samples + samples,
    };
  };

  const trainerState = (): TrainerState => ({
    version: TRAINER_STATE_VERSION,
    fingerprint,
    epoch,
    batchIndex,
    globalStep,
    epochLossSums: [...epochLossSums],
    epochObjectiveSum,
    epochSteps,
    balancer: balancer.getState(),
    earlyStopping: earlyState,
    history,
    stoppedEarly,
    elapsed: elapsed(),
  });

  const saveCheckpoint = async () => {
    const target = settings.checkpoint;
    if (!target || lastCheckpointStep === globalStep) return;
    const state = await runner.getState();
    const contents: CheckpointContents<TrainerState> = {
      step: globalStep,
      epoch,
      batchIndex,
      trainer: trainerState(),
      model: state.model,
      bestModel,
      optimizer: state.optimizer,
    };
    lastCheckpoint = await writeCheckpoint(target.storage, target.directory, contents, target.keep);
    lastCheckpointStep = globalStep;
  };

  const saved = await checkpointToResume(settings);
  if (saved) {
    checkFingerprint(saved.trainer, fingerprint, `resume from ${settings.checkpoint?.directory}`);
    await runner.setState({ model: saved.model, optimizer: saved.optimizer });
    balancer.setState(saved.trainer.balancer);
    ({ epoch, batchIndex, globalStep, epochObjectiveSum, epochSteps, stoppedEarly } = saved.trainer);
    epochLossSums = [...saved.trainer.epochLossSums];
    earlyState = saved.trainer.earlyStopping;
    history = [...saved.trainer.history];
    bestModel = saved.bestModel;
    elapsedBefore = saved.trainer.elapsed;
    resumedFromStep = globalStep;
    lastCheckpointStep = globalStep;
  }

  const plannedSteps = settings.epochs * batchesPerEpoch;
  const totalSteps = settings.maxSteps === null ? plannedSteps : Math.min(plannedSteps, settings.maxSteps);
  let stoppedReason: StopReason = stoppedEarly ? 'earlyStopping' : 'completed';
  let lastYield = nowSeconds();

  training: while (!stoppedEarly && epoch < settings.epochs) {
    for (const batch of source.epoch(epoch, batchIndex)) {
      if (options.signal?.aborted) {
        stoppedReason = 'aborted';
        break training;
      }
      if (settings.maxSteps !== null && globalStep >= settings.maxSteps) {
        stoppedReason = 'maxSteps';
        break training;
      }
      const started = nowSeconds();
      const result = await runner.step(
        batch,
        { step: globalStep + 1, epoch, batchIndex },
        stepSeed(settings.seed, globalStep + 1),
      );
      meter.record(result.taskLosses, result.objective, batch.size, nowSeconds() - started);
      result.taskLosses.forEach((loss, task) => {
        epochLossSums[task]! += loss;
      });
      epochObjectiveSum += result.objective;
      epochSteps += 1;
      globalStep += 1;
      batchIndex += 1;
      if (
        options.onProgress &&
        (globalStep % settings.progressEverySteps === 0 || batchIndex === batchesPerEpoch)
      ) {
        await options.onProgress(
          meter.event({
            epoch,
            epochs: settings.epochs,
            step: globalStep,
            totalSteps,
            batchIndex,
            batchesPerEpoch,
            taskWeights: balancer.taskWeights(),
          }),
        );
      }
      const every = settings.checkpoint?.everySteps ?? 0;
      if (every > 0 && globalStep % every === 0 && batchIndex < batchesPerEpoch) await saveCheckpoint();
      if (nowSeconds() - lastYield > 0.05) {
        await yieldToEventLoop(); // lets an abort (Ctrl-C) or a UI update in
        lastYield = nowSeconds();
      }
    }

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
      ? updateEarlyStopping(earlyState, early, monitorValue, epoch)
      : { state: earlyState, improved: false, shouldStop: false };
    earlyState = update.state;
    if (update.improved) bestModel = (await runner.getState()).model;
    const degenerate = validation
      ? degenerateTasks(validation, [...history.map((entry) => entry.validation), validation])
      : [];
    const record: EpochRecord = {
      epoch,
      steps: epochSteps,
      trainLossPerTask: epochLossSums.map((sum) => sum / Math.max(1, epochSteps)),
      trainLoss: epochObjectiveSum / Math.max(1, epochSteps),
      taskWeights: balancer.taskWeights(),
      validation,
      monitorValue,
      improved: update.improved,
      degenerateTasks: degenerate,
    };
    history.push(record);
    epoch += 1;
    batchIndex = 0;
    epochLossSums = epochLossSums.map(() => 0);
    epochObjectiveSum = 0;
    epochSteps = 0;
    stoppedEarly = update.shouldStop;
    if (stoppedEarly) stoppedReason = 'earlyStopping';
    if (options.onEpochEnd) {
      await options.onEpochEnd({ ...record, epochs: settings.epochs, bestEpoch: earlyState.bestEpoch });
    }
    await saveCheckpoint();
  }

  if (stoppedReason === 'aborted' || stoppedReason === 'maxSteps') await saveCheckpoint();
  const restoredBestWeights =
    (stoppedReason === 'completed' || stoppedReason === 'earlyStopping') &&
    early.restoreBestWeights &&
    bestModel !== null;
  return {
    degenerateTasks: heldDegenerateTasks(history, restoredBestWeights ? earlyState.bestEpoch : null),
    history,
    monitor: early.monitor.name,
    bestEpoch: earlyState.bestEpoch,
    bestValue: earlyState.bestValue,
    restoredBestWeights,
    stoppedReason,
    steps: globalStep,
    epochsCompleted: history.length,
    resumedFromStep,
    lastCheckpoint,
    taskWeights: balancer.taskWeights(),
    ...wholeRunTime(elapsed(), elapsedBefore),
    bestModel: restoredBestWeights ? bestModel : null,
  };
}
