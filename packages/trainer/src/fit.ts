/**
 * `fit`: the training loop around any MultiTaskModel. Per step: masked per-task BCE, loss
 * balancing, dense Adam and sparse row updates (by the model). Per epoch: validation, early
 * stopping, history, checkpoint. Checkpoints every N steps, on abort and on `maxSteps`; `resume`
 * continues bit-for-bit (data order is a pure function of (seed, epoch), step randomness of
 * (seed, step)).
 */
import { ConfigError, DataError, deriveSeed } from '@dtrn/base';
import type { ModelState, MultiTaskModel } from '@dtrn/core';
import type { Batch, InMemoryDataset } from '@dtrn/datasets';
import { createBalancer } from './balancers/create-balancer.js';
import { datasetBatches, isTrainingBatches, type TrainingBatches } from './batching.js';
import {
  type CheckpointContents,
  latestCheckpointName,
  readLatestCheckpoint,
  writeCheckpoint,
} from './checkpoint/checkpoint-store.js';
import { DenseAdam } from './dense-adam.js';
import {
  type EarlyStoppingState,
  INITIAL_EARLY_STOPPING_STATE,
  resolveEarlyStopping,
  updateEarlyStopping,
} from './early-stopping.js';
import { type EvaluationData, evaluate } from './evaluate.js';
import type { EpochRecord, FitResult, StopReason } from './events.js';
import { type FitOptions, resolveFitOptions } from './fit-options.js';
import { nowSeconds, ProgressMeter } from './progress-meter.js';
import { trainStep } from './train-step.js';
import { checkFingerprint, TRAINER_STATE_VERSION, type TrainerState } from './trainer-state.js';
import { TrainingVariables } from './training-variables.js';

/** Seed of the randomness (dropout) of global step `step`. */
export function stepSeed(seed: number, step: number): number {
  return deriveSeed(seed, 'step', step);
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function checkTasks(model: MultiTaskModel<Batch>, data: unknown, where: string): void {
  const schema = (data as Partial<InMemoryDataset>).schema;
  if (!schema) return;
  const names = schema.tasks.map((task) => task.name);
  if (names.join('\u0000') !== model.taskNames.join('\u0000')) {
    throw new ConfigError(`${where}: the data's tasks differ from the model's`, {
      expected: `tasks ${JSON.stringify(model.taskNames)}`,
      found: JSON.stringify(names),
    });
  }
}

/**
 * Trains `model` on `trainData`, validating on `validationData` after each epoch (null: no
 * validation, no early stopping). Never pass the test split as validation data: early stopping
 * selects on it.
 */
export async function fit(
  model: MultiTaskModel<Batch>,
  trainData: InMemoryDataset | TrainingBatches,
  validationData: EvaluationData | null | undefined,
  options: FitOptions = {},
): Promise<FitResult> {
  const settings = resolveFitOptions(options);
  const taskNames = model.taskNames;
  if (validationData && validationData === (trainData as unknown)) {
    throw new ConfigError('fit: validationData is the training data', {
      expected: 'a held-out validation split (never the test split)',
    });
  }
  checkTasks(model, trainData, 'fit trainData');
  if (validationData) checkTasks(model, validationData, 'fit validationData');
  if (options.earlyStopping && !validationData) {
    throw new ConfigError('FitOptions.earlyStopping needs validation data', {
      expected: 'validationData, or earlyStopping: false',
    });
  }
  const early = resolveEarlyStopping(validationData ? options.earlyStopping : false, taskNames);
  const source = isTrainingBatches(trainData)
    ? trainData
    : datasetBatches(trainData, {
        batchSize: settings.batchSize,
        shuffle: settings.shuffle,
        seed: settings.seed,
      });
  const batchesPerEpoch = source.batchesPerEpoch;

  const variables = new TrainingVariables(model);
  const balancer = createBalancer(options.balancing, taskNames);
  const optimizer = new DenseAdam([...variables.dense, ...balancer.variables], settings.optimizer);
  const context = { model, balancer, variables, optimizer };
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
    const contents: CheckpointContents<TrainerState> = {
      step: globalStep,
      epoch,
      batchIndex,
      trainer: trainerState(),
      model: model.getState(),
      bestModel,
      optimizer: optimizer.getState(),
    };
    lastCheckpoint = await writeCheckpoint(target.storage, target.directory, contents, target.keep);
    lastCheckpointStep = globalStep;
  };

  try {
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
        model.setState(saved.model);
        optimizer.setState(saved.optimizer);
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
        const result = trainStep(
          context,
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
        ? evaluate(model, validationData, { batchSize: settings.evaluationBatchSize }).report
        : null;
      const monitorValue = validation ? early.monitor.read(validation) : null;
      const update = validation
        ? updateEarlyStopping(earlyState, early, monitorValue, epoch)
        : { state: earlyState, improved: false, shouldStop: false };
      earlyState = update.state;
      if (update.improved) bestModel = model.getState();
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
        await options.onEpochEnd({
          ...record,
          epochs: settings.epochs,
          bestEpoch: earlyState.bestEpoch,
        });
      }
      await saveCheckpoint();
    }

    if (stoppedReason === 'aborted' || stoppedReason === 'maxSteps') await saveCheckpoint();
    let restoredBestWeights = false;
    if (
      (stoppedReason === 'completed' || stoppedReason === 'earlyStopping') &&
      early.restoreBestWeights &&
      bestModel
    ) {
      model.setState(bestModel);
      restoredBestWeights = true;
    }
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
    };
  } finally {
    optimizer.dispose();
    balancer.dispose();
  }
}
