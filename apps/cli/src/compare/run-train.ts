/**
 * `dtrn train`: one model preset on one seed. Writes the same run directory and results.json shape
 * as `compare` (one model, one seed), so `dtrn report` and `dtrn evaluate` work on it. Ctrl-C (or
 * `signal`) stops after the current step with a checkpoint; `resume` continues bit for bit.
 */
import type { ProgressEvent } from '@dtrn/trainer';
import { type TrainConfig, type TrainConfigInput, trainConfigSchema } from '../config/run-configs.js';
import { parseStrict } from '../config/strict-schema.js';
import { checkDataSource, loadData } from '../data/load-data.js';
import { RUN_FILES } from '../runtime/run-directory.js';
import { startRun } from '../runtime/start-run.js';
import { checkRunData } from './check-data.js';
import { degenerateExclusion, seedScores, withAucIntervals } from './gains.js';
import { RESULTS_FORMAT, RESULTS_VERSION, type RunResults } from './results-types.js';
import {
  interruptedOutcome,
  type RunOutcome,
  reporterOf,
  type TrainingRunOptions,
  trainingHooks,
} from './run-options.js';
import { saveModelRun } from './run-store.js';
import { notApplicable, oracleAucs, summariseModels, summariseOracles } from './summarise.js';
import { checkModelName, checkModelsFit, trainModel } from './train-model.js';
import { writeResults } from './write-results.js';

export interface RunTrainOptions extends TrainingRunOptions {
  readonly config: TrainConfigInput;
  readonly onProgress?: (event: ProgressEvent) => void;
}

export function resolveTrainConfig(input: TrainConfigInput): TrainConfig {
  const config = parseStrict(trainConfigSchema, input, 'train config');
  checkDataSource(config.data);
  return config;
}

export async function runTrain(options: RunTrainOptions): Promise<RunOutcome> {
  const started = Date.now();
  const config = resolveTrainConfig(options.config);
  checkModelName(options.catalog, config.model, 'train config.model');
  const progress = reporterOf(options.progress);
  const { run, backend, workers } = await startRun({
    out: options.out,
    kind: 'train',
    config,
    backend: options.backend ?? 'auto',
    resume: options.resume ?? false,
    seeds: [config.seed],
    command: options.command ?? 'runTrain',
    progress,
    workers: options.workers ?? 'auto',
    training: config.training,
    workerModels: options.catalog.workerSpec !== undefined,
  });
  const data = await loadData(config.data, config.seed);
  progress.info(
    `${data.description}; train ${data.train.size}, validation ${data.validation.size}, test ${data.test.size} rows`,
  );
  checkRunData(data, config.training, `seed ${config.seed}`, progress);
  checkModelsFit(
    options.catalog,
    [{ name: config.model, overrides: config.modelOverrides }],
    data,
    config.seed,
  );
  const trained = await trainModel({
    catalog: options.catalog,
    model: config.model,
    seed: config.seed,
    data,
    training: config.training,
    modelOverrides: config.modelOverrides,
    run,
    progress,
    resume: options.resume ?? false,
    workers: workers.used,
    saveModelTo: RUN_FILES.model,
    ...trainingHooks(options),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  if (!trained.run || !trained.predictions) return interruptedOutcome(run.path, progress);
  await saveModelRun(run, trained.run, trained.predictions);
  const tasks = data.schema.tasks.map((task) => task.name);
  const scores = [seedScores(data.test, new Map([[config.model, trained.predictions]]))];
  const bootstrap = { resamples: 1000, confidence: 0.95 };
  const results: RunResults = {
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    kind: 'train',
    name: config.name,
    description: `${config.model} trained on one seed`,
    data: data.description,
    createdAt: new Date().toISOString(),
    backend,
    workers,
    tasks,
    models: [config.model],
    seeds: [config.seed],
    runs: [trained.run],
    summary: withAucIntervals(
      summariseModels([config.model], tasks, [trained.run]),
      scores,
      bootstrap,
      config.seed,
      degenerateExclusion([trained.run], [config.seed]),
    ),
    gains: [],
    oracles: config.data.kind === 'synthetic' ? summariseOracles([oracleAucs(data.test)]) : [],
    check: notApplicable('single training run (the check belongs to dtrn compare)', 0.9),
    // The whole run: this invocation, plus the training time the checkpoint recorded before a resume.
    seconds: (Date.now() - started) / 1000 + trained.fit.secondsBeforeResume,
  };
  await writeResults(run, results, progress);
  return { results, directory: run.path };
}
