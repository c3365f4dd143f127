/**
 * `dtrn compare`: the app around the comparison engine (`compareModels` in `@dtrn/compare`, which
 * trains every preset on the same data and budget over the seeds, then computes the summary,
 * pooled paired bootstrap gains, oracle AUCs and DATA.md's meaningfulness check). This file adds
 * what is the app's: the config file (`data` included), the run directory with checkpoints and
 * `--resume`, progress output, the backend, and results.json, results.md and report.html.
 */
import { checkComparisonModels, compareModels, type RunKey, resolveComparisonConfig } from '@dtrn/compare';
import type { ProgressEvent } from '@dtrn/trainer';
import {
  type CompareConfig,
  type CompareConfigInput,
  compareConfigSchema,
  engineConfig,
} from '../config/run-configs.js';
import { parseStrict } from '../config/strict-schema.js';
import { dataSource } from '../data/data-source.js';
import { checkDataSource } from '../data/load-data.js';
import { runData } from '../data/table-data.js';
import { runResults } from '../report/results-file.js';
import { writeResults } from '../report/write-results.js';
import { reporterOf } from '../runtime/progress.js';
import { reportEvents } from './progress-events.js';
import {
  engineHooks,
  interruptedOutcome,
  type RunOutcome,
  startTrainingRun,
  type TrainingRunOptions,
} from './run-options.js';
import { runStore } from './run-store.js';

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
  resolveComparisonConfig(engineConfig(config), 'compare config');
  checkDataSource(config.data);
  return config;
}

export async function runCompare(options: RunCompareOptions): Promise<RunOutcome> {
  const started = Date.now();
  const config = resolveCompareConfig(options.config);
  const progress = reporterOf(options.progress);
  const seeds = Array.from({ length: config.seeds }, (_, i) => config.firstSeed + i);
  // Every model's name and overrides, before the run directory, the data or any training.
  checkComparisonModels(
    options.catalog,
    resolveComparisonConfig(engineConfig(config), 'compare config'),
    'compare config.models',
  );
  const { run, backend, workers } = await startTrainingRun(options, 'compare', config, seeds, progress);
  // A table is prepared into the run once (kept by --resume); every seed reads the same shards.
  const source = await runData(config.data, run.path, progress, options.resume ?? false);
  let dataDescription = '';
  const onProgress = options.onProgress;
  const outcome = await compareModels(engineConfig(config), {
    catalog: options.catalog,
    data: dataSource(
      source.data,
      (data) => {
        dataDescription = data.description.replace(/ \(seed \d+\)$/, '');
      },
      source.description,
    ),
    store: runStore(run, true),
    ...engineHooks(options, workers.used),
    onEvent: reportEvents({
      progress,
      run,
      dataPrefix: (seed) => `seed ${seed}: `,
      ...(onProgress
        ? { onProgress: (event: ProgressEvent, key: RunKey) => onProgress(event, key.model, key.seed) }
        : {}),
    }),
  });
  if (!outcome.results) return interruptedOutcome(run.path, progress);
  const results = runResults(
    {
      kind: 'compare',
      name: config.name,
      description: config.description,
      data: dataDescription,
      backend,
      workers,
    },
    outcome.results,
    // This invocation, plus runs kept by --resume and training before a resumed checkpoint.
    (Date.now() - started) / 1000 + outcome.earlierSeconds,
  );
  await writeResults(run, results, progress);
  return { results, directory: run.path };
}
