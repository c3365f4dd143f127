/** What the training runs (`runTrain`, `runCompare`) share: their options, outcome and reporter. */
import type { ModelCatalog, RunTrainer } from '@dtrn/compare';
import type { BackendPreference } from '@dtrn/core';
import type { RunResults } from '../report/results-file.js';
import type { ProgressMode, ProgressReporter } from '../runtime/progress.js';
import { type StartedRun, startRun } from '../runtime/start-run.js';
import type { WorkersPreference } from '../runtime/workers.js';
import { workersTrainer } from './workers-trainer.js';

/** Options of every training run besides its config and progress callback. */
export interface TrainingRunOptions {
  /** Run directory. */
  readonly out: string;
  readonly catalog: ModelCatalog;
  readonly backend?: BackendPreference;
  readonly progress?: ProgressMode | ProgressReporter;
  /** Continue an interrupted run in `out` from its checkpoints. */
  readonly resume?: boolean;
  /** Stops after the current step with a checkpoint (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** The command line, for environment.json. */
  readonly command?: string;
  readonly progressEverySteps?: number;
  /** Worker threads that train (`--workers`): a count or `auto` (default; see runtime/workers.ts). */
  readonly workers?: WorkersPreference;
}

export interface RunOutcome {
  /** null when the run was interrupted (checkpoints were written; `--resume` continues). */
  readonly results: RunResults | null;
  readonly directory: string;
}

/**
 * Opens the run directory of a `compare` or `train` run (backend, threads, resume checks, config,
 * environment). `config.training` decides what `--workers auto` picks.
 */
export function startTrainingRun(
  options: TrainingRunOptions,
  kind: 'compare' | 'train',
  config: { readonly training: { readonly batchSize: number; readonly balancing: string } },
  seeds: readonly number[],
  progress: ProgressReporter,
): Promise<StartedRun> {
  return startRun({
    out: options.out,
    kind,
    config,
    backend: options.backend ?? 'auto',
    resume: options.resume ?? false,
    seeds,
    command: options.command ?? (kind === 'compare' ? 'runCompare' : 'runTrain'),
    progress,
    workers: options.workers ?? 'auto',
    training: config.training,
    workerModels: options.catalog.workerSpec !== undefined,
  });
}

/** The outcome of an interrupted run, after telling how to continue it. */
export function interruptedOutcome(directory: string, progress: ProgressReporter): RunOutcome {
  progress.info(`interrupted: continue with the same command plus --resume (run directory ${directory})`);
  return { results: null, directory };
}

/**
 * Resume, the stop signal and the progress cadence of `options` as the engine takes them (absent
 * when unset), and its trainer for `workers` threads (the run's resolved `--workers`).
 */
export function engineHooks(
  options: TrainingRunOptions,
  workers: number,
): {
  resume: boolean;
  trainer: RunTrainer;
  signal?: AbortSignal;
  progressEverySteps?: number;
} {
  return {
    resume: options.resume ?? false,
    trainer: workersTrainer(options.catalog, workers),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.progressEverySteps ? { progressEverySteps: options.progressEverySteps } : {}),
  };
}
