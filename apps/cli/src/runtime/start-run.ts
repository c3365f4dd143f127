/** Opens a run directory: backend, resume checks, `config.json` and `environment.json`. */
import { ConfigError } from '@dtrn/base';
import type { BackendPreference } from '@dtrn/core';
import { type BackendRecord, backendRecord, useBackend } from './backend.js';
import { collectEnvironment } from './environment.js';
import type { ProgressReporter } from './progress.js';
import { checkDirectoryPath, RUN_FILES, RunDirectory } from './run-directory.js';
import { resolveWorkers, type WorkersPreference, type WorkersRecord } from './workers.js';

export interface StartRunOptions {
  readonly out: string;
  readonly kind: string;
  /** The resolved config (JSON-able). */
  readonly config: unknown;
  readonly backend: BackendPreference;
  readonly resume: boolean;
  readonly seeds: readonly number[];
  readonly command: string;
  readonly progress: ProgressReporter;
  /** `--workers`, and what decides `auto`: the run's batch size, balancing and model catalog. */
  readonly workers: WorkersPreference;
  readonly training: { readonly batchSize: number; readonly balancing: string };
  readonly workerModels: boolean;
}

export interface StartedRun {
  readonly run: RunDirectory;
  readonly backend: BackendRecord;
  readonly workers: WorkersRecord;
}

function changedKeys(before: unknown, after: unknown, path = ''): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (typeof before !== 'object' || typeof after !== 'object' || !before || !after || Array.isArray(before)) {
    return [path || '(root)'];
  }
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].flatMap((key) =>
    changedKeys(
      (before as Record<string, unknown>)[key],
      (after as Record<string, unknown>)[key],
      path ? `${path}.${key}` : key,
    ),
  );
}

/**
 * The models a resumed compare run adds: `models` of the new config when it holds every model of
 * the stored one plus others (in any order); none otherwise (any other change is refused).
 */
function addedModels(stored: unknown, resolved: Record<string, unknown>): string[] {
  const before = (stored as { models?: unknown } | null)?.models;
  const after = resolved.models;
  if (resolved.kind !== 'compare' || !isStringArray(before) || !isStringArray(after)) return [];
  if (!before.every((model) => after.includes(model))) return [];
  return after.filter((model) => !before.includes(model));
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === 'string');
}

/** `perModel` as `{}` when absent, so an added model's overrides show as `perModel.<model>`. */
function withPerModel(config: unknown): unknown {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return config;
  const record = config as Record<string, unknown>;
  return record.kind === 'compare' && record.perModel === undefined ? { ...record, perModel: {} } : config;
}

/** A changed config path that adding `added` explains: the model list, or an added model's overrides. */
function isExtension(path: string, added: readonly string[]): boolean {
  if (added.length === 0) return false;
  return path === 'models' || added.some((model) => path === `perModel.${model}`);
}

export async function startRun(options: StartRunOptions): Promise<StartedRun> {
  await checkDirectoryPath(options.out, '--out');
  const run = new RunDirectory(options.out);
  const resolvedConfig = { kind: options.kind, ...(options.config as Record<string, unknown>) };
  if (await run.exists(RUN_FILES.config)) {
    if (!options.resume) {
      throw new ConfigError(`--out ${run.path} already holds a run`, {
        expected: 'an empty or new directory, or --resume to continue that run',
      });
    }
    const stored = await run.readJson<unknown>(RUN_FILES.config);
    const added = addedModels(stored, resolvedConfig);
    const changed = changedKeys(withPerModel(stored), withPerModel(resolvedConfig)).filter(
      (path) => !isExtension(path, added),
    );
    if (changed.length > 0) {
      throw new ConfigError(
        `--resume: the config differs from the run's config.json in ${changed.join(', ')}`,
        {
          expected:
            'the same preset, config file and flags as the interrupted run (a compare run may add models: --models with every model it had, plus new ones)',
        },
      );
    }
    options.progress.info(
      added.length > 0
        ? `resuming the run in ${run.path}, adding ${added.join(', ')} (finished models are kept; the new ones train on the same data, split and seeds)`
        : `resuming the run in ${run.path}`,
    );
  }
  const selection = await useBackend(options.backend);
  const backend = backendRecord(selection);
  options.progress.info(`backend: ${selection.summary}`);
  options.progress.json({ type: 'backend', ...backend });
  const workers = resolveWorkers({
    requested: options.workers,
    tfjsBackend: selection.backendName,
    batchSize: options.training.batchSize,
    balancing: options.training.balancing,
    workerModels: options.workerModels,
  });
  options.progress.info(`threads: ${workers.reason}`);
  options.progress.json({ type: 'workers', ...workers });
  await run.writeJson(RUN_FILES.config, resolvedConfig);
  await run.writeJson(
    RUN_FILES.environment,
    collectEnvironment(options.command, backend, workers, options.seeds),
  );
  await run.loadMetrics();
  return { run, backend, workers };
}
