/**
 * `dtrn compare`: every model preset on the same data with the same step budget, over N seeds.
 * Per seed the data is generated (or loaded) once, so every model sees identical splits; each
 * model trains with early stopping on validation and is evaluated once on test. Then: mean ± std
 * per task and model, the pooled paired bootstrap CI of each variant's AUC gain over its base head,
 * oracle AUCs and DATA.md's meaningfulness check on synthetic data, `results.json`, `results.md`
 * and `report.html`.
 */
import type { ProgressEvent } from '@dtrn/trainer';
import {
  type CompareConfig,
  type CompareConfigInput,
  checkPerModelKeys,
  compareConfigSchema,
  overridesFor,
} from '../config/run-configs.js';
import { parseStrict } from '../config/strict-schema.js';
import { checkDataSource, type LoadedData, loadData } from '../data/load-data.js';
import { startRun } from '../runtime/start-run.js';
import { checkRunData } from './check-data.js';
import { runMeaningfulnessCheck } from './check-runner.js';
import { computeGains, degenerateExclusion, type SeedScores, seedScores, withAucIntervals } from './gains.js';
import type { ModelRun, RunResults } from './results-types.js';
import { RESULTS_FORMAT, RESULTS_VERSION } from './results-types.js';
import {
  interruptedOutcome,
  type RunOutcome,
  reporterOf,
  type TrainingRunOptions,
  trainingHooks,
} from './run-options.js';
import { loadModelRun, saveModelRun } from './run-store.js';
import { oracleAucs, summariseModels, summariseOracles } from './summarise.js';
import { checkModelName, checkModelsFit, trainModel } from './train-model.js';
import { writeResults } from './write-results.js';

/**
 * `resume` continues an interrupted run in `out`: finished models are kept, the current one
 * resumes from its checkpoint.
 */
export interface RunCompareOptions extends TrainingRunOptions {
  /** The comparison (a preset's config or a parsed file), validated strictly here. */
  readonly config: CompareConfigInput;
  readonly onProgress?: (event: ProgressEvent, model: string, seed: number) => void;
}

export function resolveCompareConfig(input: CompareConfigInput): CompareConfig {
  const config = parseStrict(compareConfigSchema, input, 'compare config');
  checkPerModelKeys(config);
  checkDataSource(config.data);
  return config;
}

export async function runCompare(options: RunCompareOptions): Promise<RunOutcome> {
  const started = Date.now();
  const config = resolveCompareConfig(options.config);
  const progress = reporterOf(options.progress);
  const seeds = Array.from({ length: config.seeds }, (_, i) => config.firstSeed + i);
  config.models.forEach((model, i) => {
    checkModelName(options.catalog, model, `compare config.models[${i}]`);
  });
  const { run, backend, workers } = await startRun({
    out: options.out,
    kind: 'compare',
    config,
    backend: options.backend ?? 'auto',
    resume: options.resume ?? false,
    seeds,
    command: options.command ?? 'runCompare',
    progress,
    workers: options.workers ?? 'auto',
    training: config.training,
    workerModels: options.catalog.workerSpec !== undefined,
  });
  const runs: ModelRun[] = [];
  const oraclesPerSeed: ReturnType<typeof oracleAucs>[] = [];
  const scoresPerSeed: SeedScores[] = [];
  let tasks: readonly string[] = [];
  let dataDescription = '';
  let earlierSeconds = 0; // time of earlier invocations: runs kept by --resume, resumed training
  for (const seed of seeds) {
    const data: LoadedData = await loadData(config.data, seed);
    progress.info(
      `seed ${seed}: ${data.description}; train ${data.train.size}, validation ${data.validation.size}, test ${data.test.size} rows`,
    );
    checkRunData(data, config.training, `seed ${seed}`, progress);
    tasks = data.schema.tasks.map((task) => task.name);
    dataDescription = data.description.replace(/ \(seed \d+\)$/, '');
    if (config.data.kind === 'synthetic') oraclesPerSeed.push(oracleAucs(data.test));
    const models = config.models.map((name) => ({ name, overrides: overridesFor(config, name) }));
    checkModelsFit(options.catalog, models, data, seed);
    const predictionsByModel = new Map<string, readonly Float32Array[]>();
    for (const model of config.models) {
      const saved = options.resume ? await loadModelRun(run, model, seed, tasks.length) : null;
      if (saved) {
        progress.info(`${model} seed ${seed}: already finished, kept`);
        runs.push(saved.record);
        earlierSeconds += saved.record.seconds;
        predictionsByModel.set(model, saved.predictions);
        continue;
      }
      const trained = await trainModel({
        catalog: options.catalog,
        model,
        seed,
        data,
        training: config.training,
        modelOverrides: overridesFor(config, model),
        run,
        progress,
        resume: options.resume ?? false,
        workers: workers.used,
        ...trainingHooks(options),
        ...(options.onProgress
          ? { onProgress: (event: ProgressEvent) => options.onProgress?.(event, model, seed) }
          : {}),
      });
      if (!trained.run || !trained.predictions) return interruptedOutcome(run.path, progress);
      await saveModelRun(run, trained.run, trained.predictions);
      earlierSeconds += trained.fit.secondsBeforeResume;
      runs.push(trained.run);
      predictionsByModel.set(model, trained.predictions);
    }
    scoresPerSeed.push(seedScores(data.test, predictionsByModel));
  }
  const oracles = summariseOracles(oraclesPerSeed);
  const excluded = degenerateExclusion(runs, seeds);
  const summary = withAucIntervals(
    summariseModels(config.models, tasks, runs),
    scoresPerSeed,
    config.bootstrap,
    config.firstSeed,
    excluded,
  );
  const check = await runMeaningfulnessCheck({
    config,
    tasks,
    summary,
    oracles,
    catalog: options.catalog,
    run,
    progress,
    resume: options.resume ?? false,
    workers: workers.used,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (check === 'aborted') return interruptedOutcome(run.path, progress);
  const results: RunResults = {
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    kind: 'compare',
    name: config.name,
    description: config.description,
    data: dataDescription,
    createdAt: new Date().toISOString(),
    backend,
    workers,
    tasks,
    models: config.models,
    seeds,
    runs,
    summary,
    gains: computeGains(
      scoresPerSeed,
      config.models,
      tasks,
      options.catalog,
      config.bootstrap,
      config.firstSeed,
      seeds,
      excluded,
    ),
    oracles,
    check,
    seconds: (Date.now() - started) / 1000 + earlierSeconds,
  };
  await writeResults(run, results, progress);
  return { results, directory: run.path };
}
