/**
 * `dtrn train`: one model preset on one seed, through the same engine as `compare` (a comparison
 * of one model), and saved as a model directory. Writes the same run directory and results.json
 * shape as `compare` (one model, one seed), so `dtrn report` and `dtrn evaluate` work on it.
 * Ctrl-C (or `signal`) stops after the current step with a checkpoint; `resume` continues bit for
 * bit.
 */
import {
  type ComparisonConfigInput,
  checkComparisonModels,
  checkModelName,
  compareModels,
  notApplicable,
  resolveComparisonConfig,
} from '@dtrn/compare';
import type { MultiTaskModel } from '@dtrn/core';
import type { Batch } from '@dtrn/data';
import type { ProgressEvent } from '@dtrn/trainer';
import { type TrainConfig, type TrainConfigInput, trainConfigSchema } from '../config/run-configs.js';
import { parseStrict } from '../config/strict-schema.js';
import { dataSource } from '../data/data-source.js';
import { checkDataSource, type LoadedData, VOCABULARIES_FILE } from '../data/load-data.js';
import { PREPARATION_FILE } from '../data/preparation.js';
import { runData } from '../data/table-data.js';
import { runResults } from '../report/results-file.js';
import { writeResults } from '../report/write-results.js';
import { type ProgressReporter, reporterOf } from '../runtime/progress.js';
import { RUN_FILES, type RunDirectory } from '../runtime/run-directory.js';
import { reportEvents } from './progress-events.js';
import {
  engineHooks,
  interruptedOutcome,
  type RunOutcome,
  startTrainingRun,
  type TrainingRunOptions,
} from './run-options.js';
import { runStore } from './run-store.js';

export interface RunTrainOptions extends TrainingRunOptions {
  readonly config: TrainConfigInput;
  readonly onProgress?: (event: ProgressEvent) => void;
}

/** `checkData: false` skips the check that the data's files exist (evaluate reads a run's prepared table). */
export function resolveTrainConfig(
  input: TrainConfigInput,
  options: { checkData?: boolean } = {},
): TrainConfig {
  const config = parseStrict(trainConfigSchema, input, 'train config');
  if (options.checkData !== false) checkDataSource(config.data);
  return config;
}

/**
 * Saves the trained model (best weights) into the run, and the data's raw-id vocabularies and table
 * preparation if any.
 */
async function saveTrained(
  options: RunTrainOptions,
  run: RunDirectory,
  progress: ProgressReporter,
  model: MultiTaskModel<Batch>,
  data: LoadedData | undefined,
): Promise<void> {
  if (!options.catalog.save) return;
  await options.catalog.save(model, run.storage, RUN_FILES.model);
  progress.info(`saved the model to ${run.path}/${RUN_FILES.model}`);
  // Raw id -> row per id space, beside the model (dtrn export writes them for other runtimes).
  if (data?.vocabularies) await run.writeText(VOCABULARIES_FILE, JSON.stringify(data.vocabularies));
  // The dataset config and training statistics, so dtrn predict reads raw rows the same way.
  if (data?.preparation) await run.writeJson(PREPARATION_FILE, data.preparation);
}

/** `dtrn train` as the engine runs it: a comparison of one model on one seed, without the check. */
function trainComparison(config: TrainConfig): ComparisonConfigInput {
  return {
    models: [config.model],
    seeds: 1,
    firstSeed: config.seed,
    training: config.training,
    modelOverrides: config.modelOverrides,
    check: { enabled: false },
  };
}

export async function runTrain(options: RunTrainOptions): Promise<RunOutcome> {
  const started = Date.now();
  const config = resolveTrainConfig(options.config);
  checkModelName(options.catalog, config.model, 'train config.model');
  // The model's overrides, before the run directory, the data or any training.
  checkComparisonModels(options.catalog, resolveComparisonConfig(trainComparison(config), 'train config'));
  const progress = reporterOf(options.progress);
  const { run, backend, workers } = await startTrainingRun(options, 'train', config, [config.seed], progress);
  const source = await runData(config.data, run.path, progress, options.resume ?? false);
  const loaded: { data?: LoadedData } = {}; // the seed's data, seen by the data source
  const onProgress = options.onProgress;
  const outcome = await compareModels(trainComparison(config), {
    catalog: options.catalog,
    data: dataSource(
      source.data,
      (data) => {
        loaded.data = data;
      },
      source.description,
    ),
    store: runStore(run, false),
    ...engineHooks(options, workers.used),
    onTrained: (model) => saveTrained(options, run, progress, model, loaded.data),
    onEvent: reportEvents({
      progress,
      run,
      dataPrefix: () => '',
      ...(onProgress ? { onProgress: (event: ProgressEvent) => onProgress(event) } : {}),
    }),
  });
  if (!outcome.results) return interruptedOutcome(run.path, progress);
  const description = `${config.model} trained on one seed`;
  const results = runResults(
    { kind: 'train', name: config.name, description, data: loaded.data?.description ?? '', backend, workers },
    {
      ...outcome.results,
      check: notApplicable('single training run (the check belongs to dtrn compare)', 0.9),
    },
    // The whole run: this invocation, plus the training time the checkpoint recorded before a resume.
    (Date.now() - started) / 1000 + outcome.earlierSeconds,
  );
  await writeResults(run, results, progress);
  return { results, directory: run.path };
}
