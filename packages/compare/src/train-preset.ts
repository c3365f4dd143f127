/**
 * One run: trains one preset on one seed's splits with the comparison's training settings
 * (`@dtrn/trainer`'s `fit`), evaluates it on the test split, flags degenerate tasks and inspects it
 * (gate utilisation, TRM field weights). Kept runs of an earlier call are reused with `resume`.
 */
import type { ModelInspection, MultiTaskModel } from '@dtrn/core';
import { type Batch, type InMemoryDataset, sliceRows } from '@dtrn/data';
import { type EpochRecord, evaluate, type FitOptions, type FitResult, fit } from '@dtrn/trainer';
import type { SeedData } from './check-data.js';
import { type ComparisonConfig, overridesFor } from './config.js';
import { runDegenerate } from './degenerate.js';
import type { ComparisonEvent, ComparisonOptions, RunKey } from './options.js';
import type { EpochSummary, ModelRun, TaskScores } from './results.js';

export const DEFAULT_PROGRESS_EVERY_STEPS = 10;

/** One run to train: which, on what data, with what settings, for which caller. */
export interface RunJob {
  readonly run: RunKey;
  readonly data: SeedData;
  readonly config: ComparisonConfig;
  readonly options: ComparisonOptions;
}

export interface RunOutcome {
  /** Undefined when training stopped and was not evaluated. */
  readonly record?: ModelRun;
  /** Per task, the test probability of every test row (for paired bootstrap CIs). */
  readonly predictions?: readonly Float32Array[];
  /** Seconds an earlier call spent on this run (a kept run, or training before a resume). */
  readonly earlierSeconds: number;
}

function inspect(model: MultiTaskModel<Batch>, test: InMemoryDataset, rows: number): ModelInspection | null {
  if (!model.inspect || test.size === 0) return null;
  const sample = sliceRows(test, 0, Math.min(rows, test.size));
  const prepared = model.prepare(sample, { training: false });
  try {
    return model.inspect(prepared);
  } finally {
    prepared.dispose();
  }
}

/** The trainer's epoch record as results keep it (epochs from 1). */
function epochSummary(event: EpochRecord): EpochSummary {
  return {
    epoch: event.epoch + 1,
    steps: event.steps,
    trainLossPerTask: event.trainLossPerTask,
    validationAuc: event.validation ? event.validation.tasks.map((task) => task.auc) : [],
    improved: event.improved,
    degenerateTasks: (event.degenerateTasks ?? []).map((entry) => entry.task),
  };
}

async function train(model: MultiTaskModel<Batch>, job: RunJob, history: EpochSummary[]): Promise<FitResult> {
  const { run, data, options } = job;
  const training = job.config.training;
  const emit = async (event: ComparisonEvent) => options.onEvent?.(event);
  const byProgress = training.validation === 'progress';
  const checkpoints = options.store?.checkpoints(run);
  const fitOptions: FitOptions = {
    epochs: training.epochs,
    batchSize: training.batchSize,
    evaluationBatchSize: training.evaluationBatchSize,
    seed: run.seed,
    optimizer: { learningRate: training.learningRate },
    balancing: training.balancing,
    earlyStopping: training.patience > 0 ? { monitor: training.monitor, patience: training.patience } : false,
    ...(checkpoints ? { checkpoint: { ...checkpoints, everySteps: training.checkpointEverySteps } } : {}),
    resume: options.resume && checkpoints ? 'ifExists' : false,
    ...(training.maxSteps !== undefined ? { maxSteps: training.maxSteps } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    progressEverySteps: options.progressEverySteps ?? DEFAULT_PROGRESS_EVERY_STEPS,
    onProgress: async (progress) => {
      const validation = byProgress
        ? evaluate(model, data.validation, { batchSize: training.evaluationBatchSize }).report
        : null;
      await emit({ type: 'progress', run, progress, validation });
    },
    onEpochEnd: async (epoch) => {
      history.push(epochSummary(epoch));
      await emit({ type: 'epoch', run, epoch });
    },
  };
  const validation = byProgress ? null : data.validation;
  const trainer = options.trainer;
  if (!trainer) return fit(model, data.train, validation, fitOptions);
  const overrides = overridesFor(job.config, run.model);
  return trainer({ run, model, schema: data.schema, overrides, train: data.train, validation, fitOptions });
}

/** Trains, evaluates and inspects one run; `evaluateStopped` decides what a stop leaves. */
export async function trainPreset(job: RunJob, evaluateStopped: boolean): Promise<RunOutcome> {
  const { run, data, config, options } = job;
  const emit = async (event: ComparisonEvent) => options.onEvent?.(event);
  const model = options.catalog.create(run.model, data.schema, {
    seed: run.seed,
    overrides: overridesFor(config, run.model),
  });
  try {
    await emit({ type: 'run-start', run, taskNames: model.taskNames });
    const history: EpochSummary[] = [];
    const result = await train(model, job, history);
    const stopped = result.stoppedReason === 'aborted';
    if (stopped && !evaluateStopped) {
      await emit({ type: 'run-stopped', run, fit: result });
      return { earlierSeconds: result.secondsBeforeResume };
    }
    if (!stopped) await options.onTrained?.(model, run);
    const evaluation = evaluate(model, data.test, {
      batchSize: config.training.evaluationBatchSize,
      returnPredictions: true,
    });
    const test: TaskScores[] = evaluation.report.tasks.map((task) => ({
      task: task.task,
      count: task.count,
      positives: task.positives,
      auc: task.auc,
      gauc: task.gauc,
      logloss: task.logloss,
    }));
    // The history of a resumed run: epochs before the resume come from the trainer's own history.
    const fullHistory: EpochSummary[] = result.history.map(epochSummary);
    const record: ModelRun = {
      model: run.model,
      seed: run.seed,
      test,
      history: fullHistory.length >= history.length ? fullHistory : history,
      bestEpoch: result.bestEpoch === null ? null : result.bestEpoch + 1,
      stoppedReason: result.stoppedReason,
      steps: result.steps,
      seconds: result.seconds,
      samplesPerSecond: result.samplesPerSecond,
      parameters: model.parameterCount(),
      inspection: inspect(model, data.test, config.inspectionRows),
      degenerate: runDegenerate(result.degenerateTasks, evaluation.report),
    };
    await emit({ type: 'run-done', run, record });
    return { record, predictions: evaluation.predictions ?? [], earlierSeconds: result.secondsBeforeResume };
  } finally {
    model.dispose();
  }
}

/** A finished run kept by an earlier call (with `resume` and a store that reads runs), else a trained one; finished runs are stored. */
export async function trainOrKeep(job: RunJob, evaluateStopped: boolean): Promise<RunOutcome> {
  const { run, data, options } = job;
  const store = options.store;
  if (options.resume && store?.loadRun) {
    const saved = await store.loadRun(run, data.schema.tasks.length);
    if (saved) {
      await options.onEvent?.({ type: 'run-kept', run, record: saved.record });
      return { record: saved.record, predictions: saved.predictions, earlierSeconds: saved.record.seconds };
    }
  }
  const outcome = await trainPreset(job, evaluateStopped);
  if (store && outcome.record && outcome.predictions && outcome.record.stoppedReason !== 'aborted') {
    await store.saveRun(run, outcome.record, outcome.predictions);
  }
  return outcome;
}
