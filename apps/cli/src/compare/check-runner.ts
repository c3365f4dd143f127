/**
 * DATA.md rule 1 for a synthetic comparison. On the control setting with Shared-Bottom among the
 * models, the check reads the comparison's own results. On any other setting it runs a calibration:
 * Shared-Bottom with the same size, generator knobs, split and training budget on the control
 * setting (first seed), because the rule is about whether this size and budget can learn the
 * sequence signal at all; a conflict setting's shortfall is what the comparison measures.
 */
import { type CompareConfig, overridesFor } from '../config/run-configs.js';
import { loadData } from '../data/load-data.js';
import type { ModelCatalog } from '../models/model-catalog.js';
import type { ProgressReporter } from '../runtime/progress.js';
import type { RunDirectory } from '../runtime/run-directory.js';
import { checkRunData } from './check-data.js';
import { describeEntries } from './degenerate.js';
import type { MeaningfulnessCheck, ModelSummary, OracleSummary } from './results-types.js';
import { meaningfulnessCheck, notApplicable, oracleAucs, summariseOracles } from './summarise.js';
import { trainModel } from './train-model.js';

/** The model the check trains or reads. */
export const CHECK_MODEL = 'shared-bottom';
const CALIBRATION_KEY = 'calibration-shared-bottom-control';

export interface CheckOptions {
  readonly config: CompareConfig;
  readonly tasks: readonly string[];
  readonly summary: readonly ModelSummary[];
  readonly oracles: readonly OracleSummary[];
  readonly catalog: ModelCatalog;
  readonly run: RunDirectory;
  readonly progress: ProgressReporter;
  readonly resume: boolean;
  /** Threads that train (the run's resolved `--workers`). */
  readonly workers: number;
  readonly signal?: AbortSignal;
}

export async function runMeaningfulnessCheck(
  options: CheckOptions,
): Promise<MeaningfulnessCheck | 'aborted'> {
  const { config, tasks } = options;
  const threshold = config.check.threshold;
  if (config.data.kind !== 'synthetic') return notApplicable('real data: no oracle', threshold);
  if (!config.check.enabled) return notApplicable('disabled in the config (check.enabled: false)', threshold);
  if (!options.catalog.names.includes(CHECK_MODEL)) {
    return notApplicable(`the model library has no "${CHECK_MODEL}" preset`, threshold);
  }
  const own = options.summary.find((summary) => summary.model === CHECK_MODEL);
  if (config.data.setting === 'control' && own) {
    const leftOut = own.tasks.flatMap((task) =>
      (task.auc.degenerateSeeds ?? []).map((seed) => `${task.task} seed ${seed}`),
    );
    return meaningfulnessCheck(
      tasks,
      own.tasks.map((task) => task.auc.mean),
      options.oracles,
      threshold,
      'own-run',
      `control setting, ${CHECK_MODEL} of this comparison, mean over ${config.seeds} seed(s)${leftOut.length > 0 ? `; degenerate runs left out: ${leftOut.join(', ')}` : ''}`,
    );
  }
  const seed = config.firstSeed;
  const controlData = { ...config.data, setting: 'control' as const };
  const data = await loadData(controlData, seed);
  options.progress.info(`meaningfulness check: ${CHECK_MODEL} on ${data.description} (calibration run)`);
  checkRunData(data, config.training, `calibration, seed ${seed}`, options.progress);
  const trained = await trainModel({
    catalog: options.catalog,
    model: CHECK_MODEL,
    runKey: CALIBRATION_KEY,
    seed,
    data,
    training: config.training,
    modelOverrides: overridesFor(config, CHECK_MODEL),
    run: options.run,
    progress: options.progress,
    resume: options.resume,
    workers: options.workers,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!trained.run) return 'aborted';
  await options.run.writeJson(`runs/${CALIBRATION_KEY}/seed-${seed}.json`, trained.run);
  return meaningfulnessCheck(
    tasks,
    trained.run.test.map((task) => task.auc),
    summariseOracles([oracleAucs(data.test)]),
    threshold,
    'calibration',
    `${CHECK_MODEL} trained with this comparison's size, knobs and budget on the control setting, seed ${seed}${(trained.run.degenerate ?? []).length > 0 ? `; the calibration run is degenerate: ${describeEntries(trained.run.degenerate ?? [])}` : ''}`,
  );
}
