/**
 * The epoch loop of `fitParallel`: the same bookkeeping as `fit` (global steps, epoch loss means,
 * validation, early stopping, checkpoints, resume, `maxSteps`, `signal`, progress events), with
 * the step, the evaluation and the state transfers delegated to the workers.
 */
import { ConfigError, DataError } from '@dtrn/base';
import type { ModelState } from '@dtrn/core';
import type { LossBalancer } from '../balancers/balancer.js';
import type { TrainingBatches } from '../batching.js';
import {
  type CheckpointContents,
  latestCheckpointName,
  readLatestCheckpoint,
  writeCheckpoint,
} from '../checkpoint/checkpoint-store.js';
import {
  type EarlyStoppingState,
  INITIAL_EARLY_STOPPING_STATE,
  type ResolvedEarlyStopping,
  updateEarlyStopping,
} from '../early-stopping.js';
import type { EvaluationData } from '../evaluate.js';
import type { EpochRecord, FitResult, StopReason } from '../events.js';
import { stepSeed } from '../fit.js';
import { nowSeconds, ProgressMeter } from '../progress-meter.js';
import { checkFingerprint, TRAINER_STATE_VERSION, type TrainerState } from '../trainer-state.js';
import type { ParallelEngine } from './parallel-engine.js';
import type { ParallelFitOptions, ResolvedParallelOptions } from './parallel-options.js';

export interface LoopInputs {
  readonly engine: ParallelEngine;
  readonly balancer: LossBalancer;
  readonly source: TrainingBatches;
  readonly validationData: EvaluationData | null;
  readonly settings: ResolvedParallelOptions;
  readonly options: ParallelFitOptions;
  readonly early: ResolvedEarlyStopping;
}

export interface LoopResult extends FitResult {
  readonly modelState: ModelState;
}

export async function trainingLoop(inputs: LoopInputs): Promise<LoopResult> {
  const { engine, balancer, source, validationData, settings, options, early } = inputs;
  const taskNames = engine.taskNames;
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
  });

  const saveCheckpoint = async () => {
    const target = settings.checkpoint;
    if (!target || lastCheckpointStep === globalStep) return;
    const state = await engine.getState();
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

  if (settings.checkpoint && settings.resume === false) {
    const { storage, directory } = settings.checkpoint;
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
  }
  if (settings.checkpoint && settings.resume !== false) {
    const { storage, directory } = settings.checkpoint;
    const saved = await readLatestCheckpoint<TrainerState>(storage, directory);
    if (!saved && settings.resume === true) {
      throw new DataError('resume: no checkpoint found', {
        where: { file: directory },
        expected: `${directory}/latest.json (or resume: 'ifExists' to start fresh)`,
      });
    }
    if (saved) {
      checkFingerprint(saved.trainer, fingerprint, `resume from ${directory}`);
      await engine.setState(saved.model, saved.optimizer);
      balancer.setState(saved.trainer.balancer);
      ({ epoch, batchIndex, globalStep, epochObjectiveSum, epochSteps, stoppedEarly } = saved.trainer);
      epochLossSums = [...saved.trainer.epochLossSums];
      earlyState = saved.trainer.earlyStopping;
      history = [...saved.trainer.history];
      bestModel = saved.bestModel;
      resumedFromStep = globalStep;
      lastCheckpointStep = globalStep;
    }
  }

  const plannedSteps = settings.epochs * batchesPerEpoch;
  const totalSteps = settings.maxSteps === null ? plannedSteps : Math.min(plannedSteps, settings.maxSteps);
  let stoppedReason: StopReason = stoppedEarly ? 'earlyStopping' : 'completed';

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
      const taskLosses = await engine.step(
        batch,
        { step: globalStep + 1, epoch, batchIndex },
        stepSeed(settings.seed, globalStep + 1),
      );
      const objective = balancer.objective(taskLosses);
      meter.record(taskLosses, objective, batch.size, nowSeconds() - started);
      taskLosses.forEach((loss, task) => {
        epochLossSums[task]! += loss;
      });
      epochObjectiveSum += objective;
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
    }

    if (batchIndex !== batchesPerEpoch) {
      throw new DataError('the training batches ended early', {
        expected: `${batchesPerEpoch} batches in epoch ${epoch}`,
        found: batchIndex,
      });
    }
    const validation = validationData
      ? await engine.evaluate(validationData, settings.evaluationBatchSize)
      : null;
    const monitorValue = validation ? early.monitor.read(validation) : null;
    const update = validation
      ? updateEarlyStopping(earlyState, early, monitorValue, epoch)
      : { state: earlyState, improved: false, shouldStop: false };
    earlyState = update.state;
    if (update.improved) bestModel = (await engine.getState()).model;
    const record: EpochRecord = {
      epoch,
      steps: epochSteps,
      trainLossPerTask: epochLossSums.map((sum) => sum / Math.max(1, epochSteps)),
      trainLoss: epochObjectiveSum / Math.max(1, epochSteps),
      taskWeights: balancer.taskWeights(),
      validation,
      monitorValue,
      improved: update.improved,
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
    !!bestModel;
  const modelState = restoredBestWeights ? bestModel! : (await engine.getState()).model;
  return {
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
    seconds: nowSeconds() - runStart,
    samplesPerSecond: meter.runThroughput(),
    modelState,
  };
}
