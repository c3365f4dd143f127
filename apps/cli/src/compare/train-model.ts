/**
 * Trains one model preset on one seed's splits with the run's training settings, evaluates it on
 * the test split and inspects it (gate utilisation, TRM field weights). Shared by `train` and
 * `compare`; checkpoints go under the run directory so Ctrl-C and `--resume` work for both.
 */
import { ConfigError, closestMatch } from '@dtrn/base';
import type { ModelInspection, MultiTaskModel } from '@dtrn/core';
import { type Batch, sliceRows } from '@dtrn/data';
import { aucUndefinedReason } from '@dtrn/metrics';
import {
  type EpochRecord,
  evaluate,
  type FitOptions,
  type FitResult,
  fit,
  type ProgressEvent,
} from '@dtrn/trainer';
import { fitParallel } from '@dtrn/trainer/node';
import * as tf from '@tensorflow/tfjs-core';
import type { TrainingConfig } from '../config/training-config.js';
import { type LoadedData, VOCABULARIES_FILE } from '../data/load-data.js';
import { PREPARATION_FILE } from '../data/preparation.js';
import type { ModelCatalog } from '../models/model-catalog.js';
import type { ProgressReporter } from '../runtime/progress.js';
import type { RunDirectory } from '../runtime/run-directory.js';
import { describeEntries, runDegenerate } from './degenerate.js';
import type { EpochSummary, ModelRun, TaskScores } from './results-types.js';

/** Rows of the test split used to inspect gates and field weights. */
const INSPECTION_ROWS = 2048;

export interface TrainModelOptions {
  readonly catalog: ModelCatalog;
  readonly model: string;
  readonly seed: number;
  readonly data: LoadedData;
  readonly training: TrainingConfig;
  readonly modelOverrides: Readonly<Record<string, unknown>>;
  readonly run: RunDirectory;
  readonly progress: ProgressReporter;
  readonly resume: boolean;
  /**
   * Threads that train: 1 = `fit` on this thread; n > 1 = `fitParallel` with n workers (the catalog
   * must give `workerSpec`). Default 1.
   */
  readonly workers?: number;
  readonly signal?: AbortSignal;
  /** Steps between progress events. Default 10. */
  readonly progressEverySteps?: number;
  /** Name of the checkpoint directory and metrics records. Default the model name. */
  readonly runKey?: string;
  /**
   * Also save the trained model (best weights) to this directory of the run, and the data's raw-id
   * vocabularies (if any) to `vocabularies.json` in the run. Default: not saved.
   */
  readonly saveModelTo?: string;
  /** Called on every progress event (after the display), e.g. to abort after N steps in tests. */
  readonly onProgress?: (event: ProgressEvent) => void;
}

export interface TrainedModel {
  /** Undefined when training was aborted (a checkpoint was written; resume continues). */
  readonly run?: ModelRun;
  /** Per task, the test probability of every test row (for paired bootstrap CIs). */
  readonly predictions?: readonly Float32Array[];
  readonly fit: FitResult;
}

export function checkModelName(catalog: ModelCatalog, name: string, where: string): void {
  if (catalog.names.includes(name)) return;
  const closest = closestMatch(name, catalog.names);
  throw new ConfigError(`${where}: unknown model "${name}"${closest ? `; did you mean "${closest}"?` : ''}`, {
    expected: `one of ${catalog.names.join(', ')}`,
  });
}

/**
 * Checks that every model can be built on the data (e.g. TIM needs behavior sequences) before any
 * trains, so a comparison does not fail after hours on its last model.
 */
export function checkModelsFit(
  catalog: ModelCatalog,
  models: readonly { readonly name: string; readonly overrides: Readonly<Record<string, unknown>> }[],
  data: LoadedData,
  seed: number,
): void {
  if (!catalog.check) return;
  for (const { name, overrides } of models) catalog.check(name, data.schema, { seed, overrides });
}

function inspect(model: MultiTaskModel<Batch>, data: LoadedData): ModelInspection | null {
  if (!model.inspect || data.test.size === 0) return null;
  const rows = sliceRows(data.test, 0, Math.min(INSPECTION_ROWS, data.test.size));
  const prepared = model.prepare(rows, { training: false });
  try {
    return model.inspect(prepared);
  } finally {
    prepared.dispose();
  }
}

function epochSummary(event: EpochRecord): EpochSummary {
  return {
    epoch: event.epoch,
    steps: event.steps,
    trainLossPerTask: event.trainLossPerTask,
    validationAuc: event.validation ? event.validation.tasks.map((task) => task.auc) : [],
    improved: event.improved,
    degenerateTasks: (event.degenerateTasks ?? []).map((entry) => entry.task),
  };
}

/**
 * `fit` on this thread, or `fitParallel` on `options.workers` worker threads, which build the same
 * model from the catalog's worker spec; their trained state (the best epoch's when restored) is
 * then loaded into `model`, so evaluation, inspection and saving below are the same either way.
 */
async function train(options: TrainModelOptions, model: MultiTaskModel<Batch>, fitOptions: FitOptions) {
  const workers = options.workers ?? 1;
  const { data, catalog } = options;
  if (workers <= 1) return fit(model, data.train, data.validation, fitOptions);
  if (!catalog.workerSpec) {
    throw new ConfigError('workers: the model catalog cannot build its models in worker threads', {
      expected: 'workers 1, or a catalog with workerSpec',
    });
  }
  const spec = catalog.workerSpec(options.model, data.schema, {
    seed: options.seed,
    overrides: options.modelOverrides,
  });
  const backend = tf.getBackend() === 'cpu' ? 'cpu' : 'wasm';
  const { modelState, ...result } = await fitParallel(
    { ...spec, args: [...spec.args] },
    data.train,
    data.validation,
    { ...(fitOptions as Omit<FitOptions, 'balancing'>), workers, backend },
  );
  model.setState(modelState);
  return result;
}

export async function trainModel(options: TrainModelOptions): Promise<TrainedModel> {
  const { catalog, data, training, run, progress, seed } = options;
  checkModelName(catalog, options.model, 'models');
  const runKey = options.runKey ?? options.model;
  const label = `${runKey} seed ${seed}`;
  const model = catalog.create(options.model, data.schema, { seed, overrides: options.modelOverrides });
  try {
    const display = progress.training(label, model.taskNames);
    const history: EpochSummary[] = [];
    const fitOptions: FitOptions = {
      epochs: training.epochs,
      batchSize: training.batchSize,
      evaluationBatchSize: training.evaluationBatchSize,
      seed,
      optimizer: { learningRate: training.learningRate },
      balancing: training.balancing,
      earlyStopping:
        training.patience > 0 ? { monitor: training.monitor, patience: training.patience } : false,
      checkpoint: {
        storage: run.storage,
        directory: run.checkpointDirectory(runKey, seed),
        everySteps: training.checkpointEverySteps,
      },
      resume: options.resume ? 'ifExists' : false,
      ...(training.maxSteps !== undefined ? { maxSteps: training.maxSteps } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      progressEverySteps: options.progressEverySteps ?? 10,
      onProgress: (event) => {
        display.update(event);
        options.onProgress?.(event);
      },
      onEpochEnd: async (event) => {
        display.epochEnd(event);
        history.push(epochSummary(event));
        await run.appendMetric({
          model: runKey,
          seed,
          epoch: event.epoch,
          steps: event.steps,
          trainLoss: event.trainLoss,
          trainLossPerTask: Object.fromEntries(
            model.taskNames.map((task, k) => [task, event.trainLossPerTask[k]]),
          ),
          validation: event.validation?.tasks ?? null,
          monitorValue: event.monitorValue,
          improved: event.improved,
          degenerateTasks: event.degenerateTasks,
        });
      },
    };
    const result = await train(options, model, fitOptions);
    if (result.stoppedReason === 'aborted') {
      display.done(`stopped at step ${result.steps}; checkpoint ${result.lastCheckpoint ?? 'none'} written`);
      return { fit: result };
    }
    if (options.saveModelTo && catalog.save) {
      await catalog.save(model, run.storage, options.saveModelTo);
      progress.info(`saved the model to ${run.path}/${options.saveModelTo}`);
      // Raw id -> row per id space, beside the model (dtrn export writes them for other runtimes).
      if (data.vocabularies) await run.writeText(VOCABULARIES_FILE, JSON.stringify(data.vocabularies));
      // The dataset config and training statistics, so dtrn predict reads raw rows the same way.
      if (data.preparation) await run.writeJson(PREPARATION_FILE, data.preparation);
    }
    const evaluation = evaluate(model, data.test, {
      batchSize: training.evaluationBatchSize,
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
    const degenerate = runDegenerate(result.degenerateTasks, evaluation.report);
    display.done(
      `done: ${result.steps} steps, ${result.stoppedReason}, test AUC ${test.map((t) => `${t.task} ${t.auc === null ? `n/a (${aucUndefinedReason(t) ?? 'undefined'})` : t.auc.toFixed(4)}`).join(' ')}${degenerate.length > 0 ? ` | DEGENERATE: ${describeEntries(degenerate)}` : ''}`,
    );
    return {
      fit: result,
      predictions: evaluation.predictions ?? [],
      run: {
        model: options.model,
        seed,
        test,
        history: fullHistory.length >= history.length ? fullHistory : history,
        bestEpoch: result.bestEpoch,
        stoppedReason: result.stoppedReason,
        steps: result.steps,
        seconds: result.seconds,
        samplesPerSecond: result.samplesPerSecond,
        parameters: model.parameterCount(),
        inspection: inspect(model, data),
        degenerate,
      },
    };
  } finally {
    model.dispose();
  }
}
